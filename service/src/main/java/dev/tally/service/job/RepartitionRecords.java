package dev.tally.service.job;

import dev.tally.engine.batch.RepartitionSource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The repartition topic's records: a batch's partial aggregates packed per target partition,
 * {@code [1][entry]...} with entry {@code [keyLength:4][key][pane:8][maxEventTime:8][length:4][partial]},
 * instead of one Kafka record per partial. A source partition's watermark is an entry too,
 * {@code [-1:4][sourcePartition:4][watermark:8]}, sent to every target partition after the batch's
 * partials: each repartition task learns every source partition's watermark, in the same transaction. A producer send costs about a microsecond whatever its
 * size, and a word count sends hundreds of thousands of partials per batch: packing them was the
 * largest single saving of the word-count benchmark. Partitions are chosen like the default
 * partitioner (murmur2 of the key), so a key always reaches the same task.
 */
final class RepartitionRecords {
    static final byte PACKED = 1;
    /** A packed record is sent once it holds this much; the rest at the end of the batch. */
    private static final int FLUSH_BYTES = 64 * 1024;

    private RepartitionRecords() {
    }

    /** One entry of a packed record, handed to the task that owns its key. */
    interface EntrySink {
        void entry(byte[] key, long pane, long maxEventTime, ByteBuffer partial);

        void watermark(int sourcePartition, long watermark);
    }

    private static final int WATERMARK = -1;

    /** Packs the combiner's partials, which arrive in event-time order; that order holds per partition. */
    static final class Packer implements RepartitionSource.Sink {
        private final String topic;
        private final Consumer<ProducerRecord<byte[], byte[]>> send;
        private final ByteBuffer[] buffers;

        Packer(String topic, int partitions, Consumer<ProducerRecord<byte[], byte[]>> send) {
            this.topic = topic;
            this.send = send;
            this.buffers = new ByteBuffer[partitions];
        }

        @Override
        public void partial(byte[] key, long pane, long maxEventTime, byte[] partial) {
            int p = Utils.toPositive(Utils.murmur2(key)) % buffers.length;
            int size = 24 + key.length + partial.length;
            ByteBuffer b = buffers[p];
            if (b == null || b.remaining() < size) {
                b = grow(b, size);
                buffers[p] = b;
            }
            b.putInt(key.length).put(key).putLong(pane).putLong(maxEventTime).putInt(partial.length).put(partial);
            if (b.position() >= FLUSH_BYTES) {
                flush(p);
            }
        }

        /** Goes to every target partition, after the partials of the batch. */
        @Override
        public void watermark(int sourcePartition, long watermark) {
            for (int p = 0; p < buffers.length; p++) {
                ByteBuffer b = buffers[p];
                if (b == null || b.remaining() < 16) {
                    b = grow(b, 16);
                    buffers[p] = b;
                }
                b.putInt(WATERMARK).putInt(sourcePartition).putLong(watermark);
            }
        }

        /** Sends what is left; call once the combiner is drained. */
        void finish() {
            for (int p = 0; p < buffers.length; p++) {
                flush(p);
            }
        }

        private void flush(int p) {
            ByteBuffer b = buffers[p];
            if (b != null && b.position() > 1) {
                send.accept(new ProducerRecord<>(topic, p, null, Arrays.copyOf(b.array(), b.position())));
                b.clear();
                b.put(PACKED);
            }
        }

        private static ByteBuffer grow(ByteBuffer b, int needed) {
            int used = b == null ? 0 : b.position();
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(FLUSH_BYTES + needed, used + needed + 1));
            if (b == null) {
                bigger.put(PACKED);
            } else {
                bigger.put(b.array(), 0, used);
            }
            return bigger;
        }
    }

    /** Hands each entry of a packed record to {@code sink}, in the order they were packed. */
    static void unpack(byte[] value, EntrySink sink) {
        ByteBuffer b = ByteBuffer.wrap(value);
        if (value.length == 0 || b.get() != PACKED) {
            throw new IllegalStateException("not a packed repartition record (" + value.length + " bytes)");
        }
        while (b.hasRemaining()) {
            int keyLength = b.getInt();
            if (keyLength == WATERMARK) {
                sink.watermark(b.getInt(), b.getLong());
                continue;
            }
            byte[] key = new byte[keyLength];
            b.get(key);
            long pane = b.getLong();
            long time = b.getLong();
            int length = b.getInt();
            ByteBuffer partial = b.slice(b.position(), length);
            b.position(b.position() + length);
            sink.entry(key, pane, time, partial);
        }
    }
}
