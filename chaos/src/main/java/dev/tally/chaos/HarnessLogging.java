package dev.tally.chaos;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** The harness's own logging (feeder, verifier, broker control), not the instances'. */
final class HarnessLogging {
    private HarnessLogging() {
    }

    /** The feeder's producer retries through every broker restart and would drown the report in WARNs. */
    static void quietKafkaClients() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.getLogger("org.apache.kafka").setLevel(Level.ERROR);
        }
    }
}
