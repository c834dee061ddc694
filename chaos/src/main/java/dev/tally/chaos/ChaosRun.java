package dev.tally.chaos;

import dev.tally.broker.BrokerProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.TopicExistsException;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * One chaos run against a broker: feed the input while injecting the faults, let the jobs catch
 * up, close every window with a flush record per partition, then check the output against the
 * oracles, the dead-letter topics against the malformed input, and that no transaction hangs.
 */
final class ChaosRun {
    // The instances' logging config adds the consumer internals at INFO (every seek, reset and
    // committed-offset fetch: the trail a post-mortem of a duplicate or a gap needs), with thread names.
    // tally.strict: a partial late at a repartition task (a bug) stops the instance, so the run fails loudly.
    private static final List<String> INSTANCE_JVM = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dtally.strict=true",
            "-Dlogback.configurationFile=tally-chaos-instance-logback.xml",
            "-DTALLY_LOG_PATTERN=%d{HH:mm:ss.SSS} [%thread] %-5level %logger{0} - %msg%n");

    private ChaosRun() {
    }

    static ChaosReport run(ChaosSettings s, BrokerProcess broker) throws InterruptedException, IOException {
        long start = System.currentTimeMillis();
        if (Files.exists(s.workDir()) && !isEmpty(s.workDir())) {
            // Old state dirs would restore stale stores into the new run.
            throw new IllegalArgumentException("work dir " + s.workDir() + " is not empty");
        }
        String bootstrap = broker.bootstrapServers();
        createTopics(s, bootstrap);
        List<Oracle> oracles = s.jobs().stream().map(Oracle::new).toList();
        Feeder feeder = new Feeder(s, bootstrap, oracles);
        Thread feed = new Thread(feeder, "chaos-feeder");
        List<String> problems = new ArrayList<>();
        List<TallyProcess> slots = new ArrayList<>();
        for (int i = 0; i < s.instances(); i++) {
            String id = s.tag() + "-i" + i;
            var dir = s.workDir().resolve(id);
            slots.add(new TallyProcess(id, dir, JobYaml.render(s, bootstrap, dir.resolve("state").toString(), id), INSTANCE_JVM));
        }
        try (Cluster cluster = new Cluster(slots, s.seed()); Verifier verifier = new Verifier(s, bootstrap)) {
            for (int i = 0; i < s.startInstances(); i++) {
                cluster.start(i);
            }
            feed.start();
            FaultInjector faults = new FaultInjector(s, cluster, broker, problems);
            for (Fault f : s.faults()) {
                Thread.sleep(s.faultGapMillis());
                faults.inject(f);
            }
            feed.join();
            if (feeder.failure() != null) {
                throw new IllegalStateException("producing the input failed; the run proves nothing", feeder.failure());
            }
            FaultInjector.log("input done (" + feeder.sent() + " records), waiting for the jobs to catch up");
            boolean caughtUp = awaitCaughtUp(verifier, s.settleMillis());
            FaultInjector.log("flushing");
            verifier.flush(new Workload(s).flushTime());
            caughtUp &= awaitCaughtUp(verifier, s.settleMillis());
            if (!caughtUp) {
                cluster.dumpThreads("not caught up");
            }
            FaultInjector.log("caught up: " + caughtUp + "; reading the output up to the sentinels");
            List<String> topics = new ArrayList<>();
            for (ChaosSettings.JobSpec j : s.jobs()) {
                topics.add(j.sinkTopic());
                topics.add(j.deadLetterTopic());
            }
            List<String> hanging = new ArrayList<>();
            Map<String, List<ConsumerRecord<byte[], byte[]>>> read = verifier.readToSentinels(topics, hanging);
            List<String> mismatches = new ArrayList<>();
            long windows = 0;
            long[] dlq = new long[3];
            for (Oracle o : oracles) {
                Verifier.compare(o, read.get(o.job().sinkTopic()), mismatches);
                windows += o.expected().size();
                long[] d = Verifier.checkDeadLetters(read.get(o.job().deadLetterTopic()), feeder.malformed(), problems, o.job().name());
                for (int i = 0; i < 3; i++) {
                    dlq[i] += d[i];
                }
            }
            long inputProblems = verifier.inputProblems(problems, s.workDir().resolve(s.inputTopic() + ".txt"));
            if (!mismatches.isEmpty() || dlq[0] + dlq[1] + dlq[2] > 0) {
                read.forEach((topic, records) -> Verifier.dump(s.workDir().resolve(topic + ".txt"), records));
            }
            problems.addAll(cluster.problems());
            return new ChaosReport(s.records(), windows, faults.injected(), cluster.crashesHit(), cluster.unexpectedExits(),
                    cluster.jobFailures(), mismatches, dlq[0], dlq[1], dlq[2], hanging, caughtUp, inputProblems, problems,
                    System.currentTimeMillis() - start);
        } finally {
            feed.interrupt();
        }
    }

    private static boolean isEmpty(java.nio.file.Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static boolean awaitCaughtUp(Verifier verifier, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (verifier.caughtUp()) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    /** Input, sinks and dead-letter topics up front, so the sentinel step never races their creation. */
    private static void createTopics(ChaosSettings s, String bootstrap) throws InterruptedException {
        List<NewTopic> topics = new ArrayList<>();
        topics.add(new NewTopic(s.inputTopic(), s.partitions(), (short) 1));
        for (ChaosSettings.JobSpec j : s.jobs()) {
            topics.add(new NewTopic(j.sinkTopic(), s.partitions(), (short) 1));
            topics.add(new NewTopic(j.deadLetterTopic(), s.partitions(), (short) 1));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (NewTopic t : topics) {
                try {
                    admin.createTopics(List.of(t)).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create " + t.name(), e.getCause());
                    }
                }
            }
        }
    }
}
