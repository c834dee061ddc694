package dev.tally.service.job;

import dev.tally.engine.record.BadRecordException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/** A bad or late record, as it goes to the dead-letter topic: the original bytes plus headers saying why. */
final class DeadLetters {
    static final String REASON = "tally.error.reason";
    static final String MESSAGE = "tally.error.message";
    static final String TOPIC = "tally.source.topic";
    static final String PARTITION = "tally.source.partition";
    static final String OFFSET = "tally.source.offset";
    static final String JOB = "tally.job";

    private DeadLetters() {
    }

    static ProducerRecord<byte[], byte[]> of(String dlqTopic, String job, ConsumerRecord<byte[], byte[]> r,
                                             BadRecordException.Reason reason, String message) {
        RecordHeaders h = new RecordHeaders();
        h.add(REASON, utf8(reason.name()));
        h.add(MESSAGE, utf8(message == null ? "" : message));
        h.add(TOPIC, utf8(r.topic()));
        h.add(PARTITION, utf8(Integer.toString(r.partition())));
        h.add(OFFSET, utf8(Long.toString(r.offset())));
        h.add(JOB, utf8(job));
        return new ProducerRecord<>(dlqTopic, null, r.key(), r.value(), h);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
