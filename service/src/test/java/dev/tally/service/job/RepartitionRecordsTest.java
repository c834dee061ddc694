package dev.tally.service.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class RepartitionRecordsTest {

    /** A partial entry, or a watermark entry ({@code key} null, {@code pane} = source partition, {@code time} = watermark). */
    private record Entry(String key, long pane, long time, byte[] partial) {
    }

    private static List<Entry> unpackAll(List<ProducerRecord<byte[], byte[]>> sent, int partition) {
        List<Entry> out = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : sent) {
            if (r.partition() == partition) {
                RepartitionRecords.unpack(r.value(), new RepartitionRecords.EntrySink() {
                    @Override
                    public void entry(byte[] k, long pane, long time, ByteBuffer partial) {
                        byte[] p = new byte[partial.remaining()];
                        partial.get(p);
                        out.add(new Entry(new String(k, StandardCharsets.UTF_8), pane, time, p));
                    }

                    @Override
                    public void watermark(int sourcePartition, long watermark) {
                        out.add(new Entry(null, sourcePartition, watermark, null));
                    }
                });
            }
        }
        return out;
    }

    @Test
    void shouldSendEachKeyToThePartitionTheDefaultPartitionerPicksWhenPacking() {
        List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        var packer = new RepartitionRecords.Packer("t", 6, sent::add);
        for (int i = 0; i < 1_000; i++) {
            packer.partial(("word" + i).getBytes(StandardCharsets.UTF_8), 10_000L * (i % 7), i, new byte[] {(byte) i});
        }
        packer.finish();
        assertTrue(sent.size() <= 6, "1,000 small partials fit one record per partition, sent " + sent.size());
        int seen = 0;
        for (int p = 0; p < 6; p++) {
            for (Entry e : unpackAll(sent, p)) {
                byte[] key = e.key().getBytes(StandardCharsets.UTF_8);
                assertEquals(BuiltInPartitioner.partitionForKey(key, 6), p, e.key());
                int i = Integer.parseInt(e.key().substring(4));
                assertEquals(10_000L * (i % 7), e.pane());
                assertEquals(i, e.time());
                assertArrayEquals(new byte[] {(byte) i}, e.partial());
                seen++;
            }
        }
        assertEquals(1_000, seen);
    }

    @Test
    void shouldKeepEventTimeOrderPerPartitionWhenARecordFillsUp() {
        List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        var packer = new RepartitionRecords.Packer("t", 2, sent::add);
        byte[] big = new byte[5_000];
        for (int i = 0; i < 100; i++) {
            packer.partial(("k" + i).getBytes(StandardCharsets.UTF_8), 0, i, big);
        }
        packer.finish();
        assertTrue(sent.size() > 2, "500 KB of partials need more than one record per partition");
        for (int p = 0; p < 2; p++) {
            long last = -1;
            for (Entry e : unpackAll(sent, p)) {
                assertTrue(e.time() > last, "times in order within partition " + p);
                last = e.time();
                assertEquals(5_000, e.partial().length);
            }
        }
    }

    @Test
    void shouldSendNothingWhenNoPartials() {
        List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        new RepartitionRecords.Packer("t", 3, sent::add).finish();
        assertEquals(0, sent.size());
    }

    @Test
    void shouldSendEveryWatermarkToEveryPartitionAfterThePartialsWhenABatchEnds() {
        List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        var packer = new RepartitionRecords.Packer("t", 3, sent::add);
        for (int i = 0; i < 30; i++) {
            packer.partial(("k" + i).getBytes(StandardCharsets.UTF_8), 0, i, new byte[] {1});
        }
        packer.watermark(4, 12_345L);
        packer.watermark(1, 999L);
        packer.finish();
        for (int p = 0; p < 3; p++) {
            List<Entry> entries = unpackAll(sent, p);
            int n = entries.size();
            assertEquals(new Entry(null, 4, 12_345L, null), entries.get(n - 2), "partition " + p);
            assertEquals(new Entry(null, 1, 999L, null), entries.get(n - 1), "partition " + p);
            assertTrue(entries.subList(0, n - 2).stream().allMatch(e -> e.key() != null), "partials first");
        }
    }

    @Test
    void shouldRefuseARecordThatIsNotPacked() {
        assertThrows(IllegalStateException.class, () -> RepartitionRecords.unpack(new byte[] {0, 1, 2}, null));
    }
}
