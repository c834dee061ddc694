package dev.tally.demo;

import dev.tally.connectors.KafkaClientSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;

/** Writes lines of text into the demo's source topic at a steady rate, unkeyed, as a socket source would. */
final class DemoGenerator implements Runnable {
    private static final String[] WORDS = ("spark streaming kafka tally window count word stream batch state exactly once "
            + "the a of and to in is it data time event key value topic offset commit").split(" ");

    private final String bootstrap;
    private final String topic;
    private final int linesPerSecond;
    private volatile boolean stopping;

    DemoGenerator(String bootstrap, String topic, int linesPerSecond) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.linesPerSecond = Math.max(1, linesPerSecond);
    }

    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        SplittableRandom random = new SplittableRandom(42);
        KafkaClientSettings settings = new KafkaClientSettings(Map.of("bootstrap.servers", bootstrap));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.plainProducer("tally-demo-generator"))) {
            long next = System.nanoTime();
            while (!stopping) {
                StringBuilder line = new StringBuilder();
                int n = 3 + random.nextInt(8);
                for (int i = 0; i < n; i++) {
                    // Skewed choice: low indexes are common words, as in real text.
                    int idx = (int) (WORDS.length * Math.pow(random.nextDouble(), 2));
                    line.append(i == 0 ? "" : " ").append(i == 0 ? capitalize(WORDS[idx]) : WORDS[idx]);
                }
                line.append('.');
                producer.send(new ProducerRecord<>(topic, null, line.toString().getBytes(StandardCharsets.UTF_8)));
                next += 1_000_000_000L / linesPerSecond;
                long sleep = (next - System.nanoTime()) / 1_000_000;
                if (sleep > 0) {
                    try {
                        Thread.sleep(sleep);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    private static String capitalize(String w) {
        return Character.toUpperCase(w.charAt(0)) + w.substring(1);
    }
}
