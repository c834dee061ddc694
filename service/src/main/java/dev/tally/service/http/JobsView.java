package dev.tally.service.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.tally.config.JobConfig;
import dev.tally.config.TallyConfig;
import dev.tally.service.TallyService;
import dev.tally.service.job.JobStatus;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /jobs}: each job's status (state, readiness, assigned partitions, watermarks, last
 * commit, restore) beside its configuration. Kafka settings are shown only through
 * {@link TallyConfig#kafkaForDisplay()}, which masks passwords, keys, tokens and JAAS lines.
 */
final class JobsView {
    private final TallyService service;
    private final ObjectMapper mapper;

    JobsView(TallyService service, ObjectMapper mapper) {
        this.service = service;
        this.mapper = mapper;
    }

    /** Durations as ISO-8601 ("PT30S") and paths as text; no Java time module needed. */
    static ObjectMapper mapper() {
        SimpleModule m = new SimpleModule("tally-http");
        m.addSerializer(Duration.class, ToStringSerializer.instance);
        m.addSerializer(Path.class, ToStringSerializer.instance);
        return new ObjectMapper().registerModule(m).disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    Map<String, Object> all() {
        TallyConfig c = service.config();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("instance", service.instanceId());
        out.put("kafka", c.kafkaForDisplay());
        out.put("state", Map.of("dir", c.state().dir().toString(), "memoryBytes", c.state().memoryBytes()));
        List<Object> jobs = new ArrayList<>();
        for (JobStatus s : service.statuses()) {
            jobs.add(withConfig(s));
        }
        out.put("jobs", jobs);
        return out;
    }

    Map<String, Object> one(String job) {
        for (JobStatus s : service.statuses()) {
            if (s.job().equals(job)) {
                return withConfig(s);
            }
        }
        throw new Router.HttpError(404, "no job named " + PullQuery.printable(job));
    }

    private Map<String, Object> withConfig(JobStatus s) {
        Map<String, Object> m = new LinkedHashMap<>(s.toMap());
        JobConfig config = service.config().job(s.job());
        if (!config.tables().isEmpty()) {
            m.put("tables", service.tables(s.job()));
        }
        m.put("config", mapper.valueToTree(config));
        Map<String, Object> sink = service.databaseSink(s.job());
        if (sink != null) {
            m.put("databaseSink", sink);
        }
        return m;
    }
}
