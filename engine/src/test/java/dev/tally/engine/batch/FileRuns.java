package dev.tally.engine.batch;

import dev.tally.config.ConfigException;
import dev.tally.config.JobConfig;
import dev.tally.config.TallyConfigLoader;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Jobs from YAML and runs of them over JSON lines, for the operator tests. */
final class FileRuns {
    private FileRuns() {
    }

    /** A json job keyed by {@code k}, event time from {@code t} (millis), with the given time/window/aggregates/emit lines. */
    static JobConfig job(String body) {
        try {
            return TallyConfigLoader.parseJob("""
                    name: t
                    source: { topic: in, format: json }
                    key: k
                    sink: { topic: out }
                    """ + body, "test", Map.of());
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Like {@link #job}, keyed by the Kafka record key (taken from field {@code k} by {@link #run}): no repartition. */
    static JobConfig directJob(String body) {
        try {
            return TallyConfigLoader.parseJob("""
                    name: t
                    source: { topic: in, format: json }
                    key: { record-key: true }
                    sink: { topic: out }
                    """ + body, "test", Map.of());
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static FileRun.Result run(JobConfig job, int batchSize, String... lines) {
        List<byte[]> values = Arrays.stream(lines).map(l -> l.getBytes(StandardCharsets.UTF_8)).toList();
        List<byte[]> keys = !job.key().recordKey() ? null : Arrays.stream(lines)
                .map(l -> l.replaceAll(".*\"k\":\"([^\"]*)\".*", "$1").getBytes(StandardCharsets.UTF_8)).toList();
        return new FileRun(job).run(keys, values, null, batchSize);
    }

    static String event(String key, long t) {
        return "{\"k\":\"" + key + "\",\"t\":" + t + "}";
    }
}
