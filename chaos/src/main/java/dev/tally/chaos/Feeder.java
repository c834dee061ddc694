package dev.tally.chaos;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Produces the workload at an even pace over {@code feedMillis} while the oracles fold every
 * event. The producer is idempotent, so a broker restart neither loses nor doubles input, and
 * it keeps each partition in order. Remembers where each malformed record landed.
 */
final class Feeder implements Runnable {
    private final ChaosSettings settings;
    private final String bootstrap;
    private final List<Oracle> oracles;
    private final Set<String> malformed = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile long sent;

    Feeder(ChaosSettings settings, String bootstrap, List<Oracle> oracles) {
        this.settings = settings;
        this.bootstrap = bootstrap;
        this.oracles = oracles;
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, Object> extra) {
        Map<String, Object> p = new java.util.HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                // Outlives a long broker outage rather than failing sends.
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 600_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        p.putAll(extra);
        return new KafkaProducer<>(p);
    }

    @Override
    public void run() {
        Workload workload = new Workload(settings);
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, Map.of())) {
            for (long seq = 1; seq <= settings.records(); seq++) {
                Workload.Event e = workload.next(seq);
                for (Oracle o : oracles) {
                    o.add(e);
                }
                // The record timestamp stays the wall clock: event time is in the value, and a
                // timestamp months old would let the broker's time retention delete the input.
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(settings.inputTopic(), e.key(), e.value());
                boolean bad = e.malformed();
                producer.send(r, (md, ex) -> {
                    if (ex != null) {
                        failure.compareAndSet(null, ex);
                    } else if (bad) {
                        malformed.add(md.topic() + "/" + md.partition() + "/" + md.offset());
                    }
                });
                sent = seq;
                pace(start, seq);
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, e);
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    private void pace(long startNanos, long seq) throws InterruptedException {
        long due = startNanos + settings.feedMillis() * 1_000_000L / settings.records() * seq;
        long ahead = (due - System.nanoTime()) / 1_000_000;
        if (ahead > 5) {
            Thread.sleep(ahead);
        }
    }

    long sent() {
        return sent;
    }

    /** Input positions ({@code topic/partition/offset}) of the malformed records. */
    Set<String> malformed() {
        return malformed;
    }

    /** Why producing the input failed, or null: a run whose input is uncertain proves nothing. */
    Exception failure() {
        return failure.get();
    }
}
