package dev.tally.broker;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/** One combined broker+controller KRaft server, formatted on first use. Start and stop from one thread at a time. */
final class KafkaNode {
    private final BrokerSettings settings;
    private volatile KafkaRaftServer server;

    KafkaNode(BrokerSettings settings) {
        this.settings = settings;
    }

    BrokerSettings settings() {
        return settings;
    }

    boolean isRunning() {
        return server != null;
    }

    /** Formats the log dir if needed and returns once the broker is unfenced and serving. */
    void start() {
        if (server != null) {
            return;
        }
        Path propsFile = settings.writeServerProperties();
        if (!Files.exists(settings.logDir.resolve("meta.properties"))) {
            format(propsFile);
        }
        KafkaRaftServer s = new KafkaRaftServer(new KafkaConfig(settings.toProperties(), false), Time.SYSTEM);
        try {
            // KafkaRaftServer.startup() blocks until the broker has registered and been unfenced.
            s.startup();
        } catch (RuntimeException e) {
            s.shutdown();
            s.awaitShutdown();
            throw new IllegalStateException("Kafka broker failed to start in " + settings.dataDir, e);
        }
        server = s;
    }

    void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer s = server;
        server = null;
        s.shutdown();
        s.awaitShutdown();
    }

    void awaitShutdown() {
        KafkaRaftServer s = server;
        if (s != null) {
            s.awaitShutdown();
        }
    }

    private void format(Path propsFile) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String[] args = {
            "format", "--config", propsFile.toString(),
            "--cluster-id", Uuid.randomUuid().toString(),
            "--standalone", "--ignore-formatted"
        };
        int code;
        // The execute variant returns a code instead of exiting the JVM like StorageTool.main.
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            code = StorageTool.execute(args, out);
        } catch (Exception e) {
            throw new IllegalStateException("formatting " + settings.logDir + " failed: "
                    + captured.toString(StandardCharsets.UTF_8), e);
        }
        if (code != 0) {
            throw new IllegalStateException("formatting " + settings.logDir + " failed with code " + code + ": "
                    + captured.toString(StandardCharsets.UTF_8));
        }
    }
}
