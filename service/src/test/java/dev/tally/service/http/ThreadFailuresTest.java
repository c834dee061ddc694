package dev.tally.service.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.config.TallyConfig;
import dev.tally.service.TestJob;
import dev.tally.service.UserEvents;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.tally.service.http.HttpTestSupport.await;
import static dev.tally.service.http.HttpTestSupport.get;
import static dev.tally.service.http.HttpTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A thread of a job that dies shows in /jobs ({@code failures}) and in
 * {@code tally_thread_failures_total{kind}}: a standby thread, whose death leaves the job running,
 * and one processing thread of a two-thread job. Both die for real, on a changelog record that is
 * not Tally's layout (written to the changelog topic by hand, as a stray producer would).
 */
class ThreadFailuresTest {
    @TempDir
    Path dir;

    @Test
    void shouldShowTheStandbyFailureInJobsAndMetricsWhenTheStandbyThreadDies() throws Exception {
        TestJob t = TestJob.unique("fail-standby", 2);
        String job = t.name();
        try (ServiceHttpTest.Running a = ServiceHttpTest.Running.start(UserEvents.countJob(t, dir, "a", 1, 1, 500, true));
             ServiceHttpTest.Running b = ServiceHttpTest.Running.start(UserEvents.countJob(t, dir, "b", 1, 1, 500, true))) {
            await("both instances ready with one task each", Duration.ofSeconds(90), () -> a.service().isReady()
                    && b.service().isReady() && assigned(a).size() == 1 && assigned(b).size() == 1);
            UserEvents.send(t.bootstrap(), t.input(), 0, 500, 50, 10, null);
            // Each instance keeps the other's task warm, so each standby thread reads one stray record.
            corruptChangelog(t, 0);
            corruptChangelog(t, 1);
            await("a standby failure in /jobs of a", Duration.ofSeconds(60), () -> failures(a, job).size() > 0);
            await("a standby failure in /jobs of b", Duration.ofSeconds(60), () -> failures(b, job).size() > 0);
            for (ServiceHttpTest.Running r : List.of(a, b)) {
                JsonNode f = failures(r, job).get(0);
                assertEquals("standby", f.get("kind").asText());
                assertTrue(f.get("thread").asText().contains("standby"), f.toString());
                assertTrue(f.get("error").asText().contains("IndexOutOfBounds"), f.toString());
                assertEquals(1.0, failuresMetric(r, job, "standby"));
                assertEquals(0.0, failuresMetric(r, job, "processing"));
                JsonNode status = json(get(r.url() + "/jobs/" + job));
                assertEquals("RUNNING", status.get("state").asText(), "a dead standby leaves the job running: " + status);
            }
            assertEquals(200, get(a.url() + "/health/live").statusCode());
        }
    }

    @Test
    void shouldShowWhichProcessingThreadFailedInJobsAndMetricsWhenOneThreadOfTwoDies() throws Exception {
        TestJob t = TestJob.unique("fail-thread", 2);
        String job = t.name();
        TallyConfig config = UserEvents.countJob(t, dir, "t", 2, 0, 500, true);
        try (ServiceHttpTest.Running r = ServiceHttpTest.Running.start(config)) {
            await("the job ready", Duration.ofSeconds(60), () -> r.service().isReady());
            UserEvents.send(t.bootstrap(), t.input(), 0, 500, 50, 10, null);
            await("both partitions assigned", Duration.ofSeconds(60), () -> assigned(r).size() == 2);
        }
        // Task 1's changelog now ends in a stray record: the thread that restores task 1 dies on it.
        corruptChangelog(t, 1);
        HttpTestSupport.deleteRecursively(dir.resolve("t"));
        try (ServiceHttpTest.Running r = ServiceHttpTest.Running.start(config)) {
            await("the job failed", Duration.ofSeconds(60), () -> r.service().anyFailed());
            // The other thread is told to stop before the failed one leaves the group, so it never
            // takes over task 1 and dies on the same record.
            r.service().awaitTermination();
            assertEquals("FAILED", json(get(r.url() + "/jobs/" + job)).get("state").asText());
            JsonNode failures = failures(r, job);
            assertEquals(1, failures.size(), failures.toString());
            assertEquals("processing", failures.get(0).get("kind").asText());
            assertTrue(failures.get(0).get("thread").asText().startsWith("tally-job-" + job + "-"), failures.toString());
            assertTrue(failures.get(0).get("error").asText().contains("IndexOutOfBounds"), failures.toString());
            assertEquals(1.0, failuresMetric(r, job, "processing"));
            assertEquals(0.0, failuresMetric(r, job, "standby"));
            assertEquals(503, get(r.url() + "/health/live").statusCode());
        }
    }

    private static List<String> assigned(ServiceHttpTest.Running r) {
        return r.service().statuses().get(0).assignedPartitions();
    }

    private static JsonNode failures(ServiceHttpTest.Running r, String job) {
        return json(get(r.url() + "/jobs/" + job)).get("failures");
    }

    private static double failuresMetric(ServiceHttpTest.Running r, String job, String kind) {
        return HttpTestSupport.scrape(r.url()).stream()
                .filter(s -> s.name().equals("tally_thread_failures_total") && job.equals(s.labels().get("job"))
                        && kind.equals(s.labels().get("kind")))
                .mapToDouble(HttpTestSupport.Sample::value).sum();
    }

    /** A changelog key two bytes long: a pane key is nine or more, so applying it fails as a torn record would. */
    private static void corruptChangelog(TestJob job, int partition) {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, job.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            p.send(new ProducerRecord<>(job.group() + "-changelog", partition, new byte[] {0, 1},
                    "stray".getBytes(StandardCharsets.UTF_8)));
        }
    }
}
