package dev.tally.service.http;

import dev.tally.config.JobConfig;
import dev.tally.connectors.JobTopics;
import dev.tally.connectors.KafkaClientSettings;
import dev.tally.engine.batch.JobPlan;
import dev.tally.engine.batch.WindowQuery;
import dev.tally.service.TallyService;
import dev.tally.service.job.JobStatus;
import dev.tally.state.PaneStore;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code /jobs/{job}/windows?key=K[&from=&to=]}: the current values of a key's windows, read from
 * this instance's local state when it owns the key's task. A key belongs to partition
 * murmur2(key) mod partitions (Kafka's default partitioner: how the repartition topic, and a
 * keyed input topic, place it); for a key owned elsewhere the answer names that partition and,
 * when the consumer group says, the instance holding it.
 */
final class PullQuery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PullQuery.class);
    static final int MAX_KEY_BYTES = 1024;

    private final TallyService service;
    private final Map<String, Prepared> jobs = new ConcurrentHashMap<>();
    private Admin admin;

    /** The answer's HTTP status and JSON body. */
    record Answer(int status, Map<String, Object> body) {
    }

    /** What a job's queries need, built once: partition count and aggregate topic do not change while it runs. */
    private record Prepared(WindowQuery query, String aggregateTopic, String groupId, int partitions) {
    }

    PullQuery(TallyService service) {
        this.service = service;
    }

    Answer answer(String job, String rawQuery) {
        Map<String, String> params = params(rawQuery);
        String key = params.get("key");
        if (key == null || key.isEmpty()) {
            throw new Router.HttpError(400, "key is required: /jobs/{job}/windows?key=K[&from=&to=]");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new Router.HttpError(400, "key is longer than " + MAX_KEY_BYTES + " bytes");
        }
        long from = Long.MIN_VALUE;
        long to = Long.MAX_VALUE;
        if (params.containsKey("from") != params.containsKey("to")) {
            throw new Router.HttpError(400, "give both from and to, or neither");
        }
        if (params.containsKey("from")) {
            from = time("from", params.get("from"));
            to = time("to", params.get("to"));
            if (from >= to) {
                throw new Router.HttpError(400, "from must be before to");
            }
        }
        if (service.config().jobs().stream().noneMatch(j -> j.name().equals(job))) {
            throw new Router.HttpError(404, "no job named " + printable(job));
        }
        PaneStore store = service.store(job);
        JobStatus status = status(job);
        if (store == null || status == null || !status.isReady()) {
            String state = status == null ? "not started" : status.state().name();
            throw new Router.HttpError(503, "job " + job + " is not ready (" + state + "); retry shortly");
        }
        Prepared p = jobs.computeIfAbsent(job, this::prepare);
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        int partition = Utils.toPositive(Utils.murmur2(keyBytes)) % p.partitions;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job", job);
        body.put("key", key);
        body.put("partition", partition);
        if (!status.assignedPartitions().contains(new TopicPartition(p.aggregateTopic, partition).toString())) {
            body.put("instance", service.instanceId());
            body.put("owner", owner(p, partition));
            body.put("error", "partition " + partition + " of " + p.aggregateTopic + " is not assigned to this instance; "
                    + "ask the owner");
            return new Answer(404, body);
        }
        List<WindowQuery.Window> windows;
        try {
            windows = p.query.windows(store, partition, key, from, to);
        } catch (IllegalArgumentException e) {
            // WindowQuery's messages name only the range and the window size, never data or config.
            throw new Router.HttpError(400, e.getMessage());
        }
        body.put("windows", windows.stream().map(PullQuery::window).toList());
        return new Answer(200, body);
    }

    private static Map<String, Object> window(WindowQuery.Window w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", w.start() == Long.MIN_VALUE ? null : w.start());
        m.put("end", w.end());
        m.putAll(w.values());
        return m;
    }

    private JobStatus status(String job) {
        return service.statuses().stream().filter(s -> s.job().equals(job)).findFirst().orElse(null);
    }

    private Prepared prepare(String job) {
        JobConfig config = service.config().job(job);
        JobTopics topics = new JobTopics(job);
        String aggregateTopic = config.key().needsRepartition() ? topics.repartition() : config.source().topic();
        try {
            int partitions = JobTopics.partitions(admin(), config.source().topic());
            return new Prepared(new WindowQuery(new JobPlan(config)), aggregateTopic, topics.groupId(), partitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Router.HttpError(503, "interrupted while describing the source topic");
        } catch (RuntimeException e) {
            log.warn("pull query: cannot describe topic {}: {}", config.source().topic(), e.toString());
            throw new Router.HttpError(503, "cannot reach Kafka to learn the partition count; retry shortly");
        }
    }

    /** Which instance (group.instance.id) the group assigned the partition to; null when unknown. */
    private String owner(Prepared p, int partition) {
        TopicPartition tp = new TopicPartition(p.aggregateTopic, partition);
        try {
            ConsumerGroupDescription d = admin().describeConsumerGroups(List.of(p.groupId)).all()
                    .get(3, TimeUnit.SECONDS).get(p.groupId);
            for (MemberDescription m : d.members()) {
                if (m.assignment().topicPartitions().contains(tp)) {
                    return m.groupInstanceId().orElse(m.consumerId());
                }
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("pull query: cannot describe group {}: {}", p.groupId, e.toString());
            return null;
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Properties props = new KafkaClientSettings(service.config().kafka()).admin();
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, "tally-http-" + service.instanceId());
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
            admin = Admin.create(props);
        }
        return admin;
    }

    /** Epoch millis, or an ISO-8601 instant such as 2026-01-01T00:00:00Z. */
    private static long time(String name, String value) {
        if (value.matches("-?\\d{1,19}")) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new Router.HttpError(400, name + " is out of range");
            }
        }
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new Router.HttpError(400, name + " must be epoch millis or an ISO-8601 instant");
        }
    }

    private static Map<String, String> params(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (!List.of("key", "from", "to").contains(name)) {
                throw new Router.HttpError(400, "unknown parameter " + printable(name) + "; use key, from, to");
            }
            if (out.put(name, value) != null) {
                throw new Router.HttpError(400, "parameter " + name + " given twice");
            }
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Router.HttpError(400, "malformed percent-encoding in the query string");
        }
    }

    /** User input echoed in an error: short, without control characters. */
    static String printable(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
