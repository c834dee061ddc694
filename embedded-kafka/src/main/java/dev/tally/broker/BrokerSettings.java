package dev.tally.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Broker configuration for one data directory. The controller port is chosen once and persisted
 * beside the log dir, because a standalone KRaft quorum records the controller endpoint in its
 * metadata log: a restart on another controller port would leave the broker unable to find it.
 */
final class BrokerSettings {
    static final String HOST = "127.0.0.1";
    static final int NODE_ID = 1;
    private static final String STATE_FILE = "tally-broker.properties";

    final Path dataDir;
    final Path logDir;
    final int port;
    final int controllerPort;
    private final Map<String, String> extraProps;

    private BrokerSettings(Path dataDir, int port, int controllerPort, Map<String, String> extraProps) {
        this.dataDir = dataDir;
        this.logDir = dataDir.resolve("kafka");
        this.port = port;
        this.controllerPort = controllerPort;
        this.extraProps = Map.copyOf(extraProps);
    }

    /** Resolves ports (0 = any free one) and remembers the controller port for later restarts. */
    static BrokerSettings forDir(Path dataDir, int port, Map<String, String> extraProps) {
        try {
            Files.createDirectories(dataDir);
            Path stateFile = dataDir.resolve(STATE_FILE);
            Properties state = new Properties();
            if (Files.exists(stateFile)) {
                try (InputStream in = Files.newInputStream(stateFile)) {
                    state.load(in);
                }
            }
            String savedController = state.getProperty("controller.port");
            int brokerPort = port;
            int controllerPort;
            if (savedController != null) {
                controllerPort = Integer.parseInt(savedController);
                if (brokerPort == 0) {
                    brokerPort = freePortsExcept(1, controllerPort)[0];
                }
            } else if (brokerPort == 0) {
                int[] ports = freePortsExcept(2, -1);
                brokerPort = ports[0];
                controllerPort = ports[1];
            } else {
                controllerPort = freePortsExcept(1, brokerPort)[0];
            }
            if (brokerPort == controllerPort) {
                throw new IllegalArgumentException("port " + port + " is this data dir's controller port");
            }
            state.setProperty("controller.port", Integer.toString(controllerPort));
            try (OutputStream out = Files.newOutputStream(stateFile)) {
                state.store(out, "tally embedded broker; controller port must stay stable across restarts");
            }
            return new BrokerSettings(dataDir, brokerPort, controllerPort, extraProps);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare broker dir " + dataDir, e);
        }
    }

    String bootstrapServers() {
        return HOST + ":" + port;
    }

    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        p.setProperty("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
        p.setProperty("log.dirs", logDir.toAbsolutePath().toString());
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("num.partitions", "1");
        // Single node: every internal topic must accept RF 1, or transactions and groups hang.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "10");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "4");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.num.partitions", "2");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // Tests use short session timeouts to observe member loss quickly.
        p.setProperty("group.min.session.timeout.ms", "500");
        p.setProperty("group.consumer.min.session.timeout.ms", "1000");
        p.setProperty("group.consumer.min.heartbeat.interval.ms", "100");
        p.setProperty("group.streams.min.session.timeout.ms", "1000");
        p.setProperty("group.streams.min.heartbeat.interval.ms", "100");
        // After a SIGKILL the controller refuses the restarted broker's registration until the
        // dead incarnation's session expires (default 9 s); chaos tests restart right away.
        p.setProperty("broker.heartbeat.interval.ms", "500");
        p.setProperty("broker.session.timeout.ms", "4000");
        // The default 128 MiB cleaner buffer is wasted on a test broker.
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        extraProps.forEach(p::setProperty);
        return p;
    }

    /** Writes server.properties for StorageTool and for humans inspecting the dir. */
    Path writeServerProperties() {
        Path file = dataDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            toProperties().store(out, "generated by tally embedded broker");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    private static int[] freePortsExcept(int count, int excluded) throws IOException {
        int[] ports = new int[count];
        ServerSocket[] held = new ServerSocket[count];
        try {
            // Hold all sockets open together so the kernel cannot hand out the same port twice.
            for (int i = 0; i < count; i++) {
                do {
                    if (held[i] != null) {
                        held[i].close();
                    }
                    held[i] = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                } while (held[i].getLocalPort() == excluded);
                ports[i] = held[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : held) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }
}
