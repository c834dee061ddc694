package dev.tally.broker;

import java.nio.file.Path;
import java.util.Map;

/**
 * Runs the embedded broker as its own process: {@code BrokerMain --dir D --port P}. Prints
 * {@code READY 127.0.0.1:P} on stdout once clients can connect and shuts down cleanly on SIGTERM.
 */
public final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(String[] args) {
        Path dir = null;
        int port = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                default -> usage("unknown option " + args[i]);
            }
        }
        if (dir == null || args.length % 2 != 0) {
            usage("--dir is required");
        }
        KafkaNode node = new KafkaNode(BrokerSettings.forDir(dir, port, Map.of()));
        // SIGTERM runs shutdown hooks; a clean shutdown spares the next start a log recovery.
        Runtime.getRuntime().addShutdownHook(new Thread(node::stop, "tally-broker-shutdown"));
        node.start();
        System.out.println("READY " + node.settings().bootstrapServers());
        System.out.flush();
        node.awaitShutdown();
    }

    private static void usage(String problem) {
        System.err.println(problem + "\nusage: BrokerMain --dir DIR [--port PORT]");
        System.exit(2);
    }
}
