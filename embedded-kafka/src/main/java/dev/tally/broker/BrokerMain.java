package dev.tally.broker;

import java.nio.file.Path;
import java.util.Map;

/**
 * Runs the embedded broker as its own process: {@code BrokerMain --dir D --port P}. Prints
 * {@code READY 127.0.0.1:P} on stdout once clients can connect and shuts down cleanly on SIGTERM,
 * or when the process given by the optional {@code --parent-pid} exits.
 */
public final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(String[] args) {
        Path dir = null;
        int port = 0;
        long parentPid = -1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--parent-pid" -> parentPid = Long.parseLong(args[i + 1]);
                default -> usage("unknown option " + args[i]);
            }
        }
        if (dir == null || args.length % 2 != 0) {
            usage("--dir is required and every option needs a value");
        }
        KafkaNode node = new KafkaNode(BrokerSettings.forDir(dir, port, Map.of()));
        // SIGTERM runs shutdown hooks; a clean shutdown spares the next start a log recovery.
        Runtime.getRuntime().addShutdownHook(new Thread(node::stop, "tally-broker-shutdown"));
        if (parentPid > 0) {
            // A crashed test JVM must not leave an orphan broker holding its port and data dir.
            ProcessHandle.of(parentPid).ifPresentOrElse(
                    parent -> parent.onExit().thenRun(() -> System.exit(0)),
                    () -> System.exit(0));
        }
        node.start();
        System.out.println("READY " + node.settings().bootstrapServers());
        System.out.flush();
        node.awaitShutdown();
    }

    private static void usage(String problem) {
        System.err.println(problem + "\nusage: BrokerMain --dir DIR [--port PORT] [--parent-pid PID]");
        System.exit(2);
    }
}
