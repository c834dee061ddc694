package dev.tally.chaos;

import dev.tally.broker.BrokerProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The long chaos run (see chaos/README.md): a child broker, three Tally instances, a million
 * records, and a shuffled series of SIGKILLs, zombies, broker restarts, crash points and scale
 * changes. Prints the report and exits 0 only when the run passed.
 *
 * <pre>ChaosMain [--records N] [--kills N] [--zombies N] [--broker-restarts N] [--scale-changes N]
 *           [--crash-points N] [--feed-seconds S] [--broker-down-seconds S] [--fault-gap-seconds S] [--threads N] [--standby-replicas N] [--dir DIR]</pre>
 */
public final class ChaosMain {
    private ChaosMain() {
    }

    public static void main(String[] args) throws Exception {
        HarnessLogging.quietKafkaClients();
        long records = 1_000_000;
        int kills = 20;
        int zombies = 3;
        int brokerRestarts = 2;
        int scaleChanges = 2;
        int crashRounds = 1;
        long feedSeconds = 600;
        long brokerDown = 30;
        long gap = 12;
        int threads = 1;
        int standbys = 0;
        Path dir = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--records" -> records = Long.parseLong(v);
                case "--kills" -> kills = Integer.parseInt(v);
                case "--zombies" -> zombies = Integer.parseInt(v);
                case "--broker-restarts" -> brokerRestarts = Integer.parseInt(v);
                case "--scale-changes" -> scaleChanges = Integer.parseInt(v);
                case "--crash-points" -> crashRounds = Integer.parseInt(v);
                case "--feed-seconds" -> feedSeconds = Long.parseLong(v);
                case "--broker-down-seconds" -> brokerDown = Long.parseLong(v);
                case "--fault-gap-seconds" -> gap = Long.parseLong(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--standby-replicas" -> standbys = Integer.parseInt(v);
                case "--dir" -> dir = Path.of(v);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (dir == null) {
            dir = Files.createTempDirectory("tally-chaos-");
        }
        List<Fault> faults = schedule(kills, zombies, brokerRestarts, scaleChanges, crashRounds);
        ChaosSettings s = new ChaosSettings("long", dir.resolve("run"), 42, records, 6, 200, 5, 10_000, 9_973,
                feedSeconds * 1000, 3, 3, faults, gap * 1000, 22_000, brokerDown * 1000, 600_000, threads, standbys);
        System.out.println("chaos: work dir " + dir + ", faults in order: " + faults);
        ChaosReport report;
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"), 0)) {
            report = ChaosRun.run(s, broker);
        }
        System.out.print(report.summary());
        System.exit(report.passed() ? 0 : 1);
    }

    /** The faults shuffled, with the scale changes (3 → 1, 1 → 3, ...) spread evenly among them. */
    static List<Fault> schedule(int kills, int zombies, int brokerRestarts, int scaleChanges, int crashRounds) {
        List<Fault> others = new ArrayList<>();
        others.addAll(Collections.nCopies(kills, Fault.KILL));
        others.addAll(Collections.nCopies(zombies, Fault.ZOMBIE));
        others.addAll(Collections.nCopies(brokerRestarts, Fault.BROKER_RESTART));
        for (int r = 0; r < crashRounds; r++) {
            others.addAll(List.of(Fault.CRASH_BEFORE_SEND_OFFSETS, Fault.CRASH_DURING_COMMIT,
                    Fault.CRASH_AFTER_COMMIT_BEFORE_STORE, Fault.CRASH_DURING_RESTORE));
        }
        Collections.shuffle(others, new Random(42));
        List<Fault> all = new ArrayList<>(others);
        for (int c = 0; c < scaleChanges; c++) {
            int at = (int) ((long) (c + 1) * others.size() / (scaleChanges + 1)) + c;
            all.add(Math.min(at, all.size()), c % 2 == 0 ? Fault.SCALE_DOWN : Fault.SCALE_UP);
        }
        return all;
    }
}
