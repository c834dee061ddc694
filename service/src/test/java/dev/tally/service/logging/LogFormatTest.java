package dev.tally.service.logging;

import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue #13: the runtime logs through Logback, with slf4j-simple's levels and a JSON switch. */
class LogFormatTest {
    @AfterEach
    void clear() {
        System.clearProperty(LogFormat.VARIABLE);
    }

    private static String layout(String value) {
        System.setProperty(LogFormat.VARIABLE, value);
        LogFormat format = new LogFormat();
        format.setContext(new LoggerContext());
        return format.getPropertyValue();
    }

    @Test
    void shouldPickTheJsonLayoutWhenTheFormatIsJsonInAnyCase() {
        assertEquals("json", layout("json"));
        assertEquals("json", layout(" JSON "));
    }

    @Test
    void shouldKeepPlainLinesWhenTheFormatIsEmptyOrUnknown() {
        assertEquals("plain", layout(""));
        assertEquals("plain", layout("plain"));
        assertEquals("plain", layout("xml"));
    }

    @Test
    void shouldLogTallyAtInfoAndKafkaOnlyWhenSomethingIsWrongWhenLogbackIsTheBackend() {
        LoggerContext logback = assertInstanceOf(LoggerContext.class, LoggerFactory.getILoggerFactory());

        assertTrue(logback.getLogger("dev.tally.service.job.JobRunner").isInfoEnabled());
        assertFalse(logback.getLogger("org.apache.kafka.clients.consumer.KafkaConsumer").isInfoEnabled());
        assertTrue(logback.getLogger("org.apache.kafka.clients.consumer.KafkaConsumer").isWarnEnabled());
        assertFalse(logback.getLogger("kafka.server.KafkaBroker").isWarnEnabled());
    }
}
