package dev.tally.service.job;

import dev.tally.engine.aggregate.Accumulator;
import dev.tally.engine.batch.BatchSink;
import dev.tally.engine.batch.WindowJson;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/** Turns a batch's results into the records of its transaction, sent as they are built. */
final class KafkaBatchSink implements BatchSink {
    private final BatchTransaction out;
    private final WindowJson json;
    private final String sinkTopic;
    private final String changelogTopic;
    int windows;
    // windows arrive key by key: one UTF-8 copy per key, not per window
    private String lastKey;
    private byte[] lastKeyBytes;

    KafkaBatchSink(BatchTransaction out, WindowJson json, String sinkTopic, String changelogTopic) {
        this.out = out;
        this.json = json;
        this.sinkTopic = sinkTopic;
        this.changelogTopic = changelogTopic;
    }

    @Override
    public void window(int task, String key, long start, long end, Accumulator[] value) {
        if (key != lastKey) {
            lastKeyBytes = key.getBytes(StandardCharsets.UTF_8);
            lastKey = key;
        }
        out.send(new ProducerRecord<>(sinkTopic, lastKeyBytes, json.format(key, start, end, value)));
        windows++;
    }

    @Override
    public void retract(int task, String key, long start, long end) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        // A dropped global key is a plain tombstone; a merged session names the window it retracts.
        out.send(new ProducerRecord<>(sinkTopic, k, start == Long.MIN_VALUE ? null : json.retraction(key, start, end)));
        windows++;
    }

    @Override
    public void changelog(int task, long pane, byte[] key, byte[] value) {
        out.send(new ProducerRecord<>(changelogTopic, task, InternalRecords.paneKey(pane, key), value));
    }

    @Override
    public void taskMeta(int task, byte[] meta) {
        out.send(new ProducerRecord<>(changelogTopic, task, InternalRecords.clockKey(), meta));
    }
}
