package dev.tally.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the top level of a configuration: kafka, state, http and the jobs. */
final class ConfigBinder {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})\\s*(B|KB|MB|GB)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final String DEFAULT_STATE_DIR = "./tally-state";
    private static final long DEFAULT_MEMORY = 256L << 20;

    private ConfigBinder() {
    }

    /**
     * The configuration, or null when it has a problem (each one reported).
     *
     * @param withKafka false when the jobs run without Kafka: the kafka block is then neither needed nor read
     */
    static TallyConfig bind(Fields top, boolean withKafka) {
        Problems problems = top.problems();
        int before = problems.count();
        // x-... keys hold anchors for YAML to reuse (<<: *job-defaults), as in docker-compose files.
        top.allowOnly(key -> key.startsWith("x-"), "kafka", "state", "http", "jobs");
        Map<String, String> kafka = withKafka ? kafka(top) : Map.of();
        StateConfig state = state(top);
        HttpConfig http = http(top);
        List<JobConfig> jobs = jobs(top);
        if (problems.count() != before) {
            return null;
        }
        return new TallyConfig(kafka, state, http, jobs);
    }

    private static Map<String, String> kafka(Fields top) {
        Map<String, String> kafka = new LinkedHashMap<>();
        Fields f = top.fields("kafka");
        if (f == null) {
            if (!top.has("kafka")) {
                top.problems().add(top.path("kafka"), "is required, with at least bootstrap.servers", top.line());
            }
            return kafka;
        }
        Map<String, Node> seen = new HashMap<>();
        flatten(f.mapping(), "", kafka, seen, f.problems());
        Node servers = seen.get("bootstrap.servers");
        if (servers == null) {
            f.problems().add(f.path("bootstrap.servers"), "is required", f.line());
        } else if (kafka.containsKey("bootstrap.servers") && kafka.get("bootstrap.servers").isBlank()) {
            f.problems().add(servers, "must not be empty");
        }
        return kafka;
    }

    /** Kafka properties are dotted names; nested YAML maps are accepted and joined with dots. */
    private static void flatten(Node.Mapping map, String prefix, Map<String, String> into, Map<String, Node> seen,
                                Problems problems) {
        for (Map.Entry<String, Node> e : map.entries().entrySet()) {
            String name = prefix + e.getKey();
            Node value = e.getValue();
            seen.put(name, value);
            if (value instanceof Node.Mapping m) {
                flatten(m, name + ".", into, seen, problems);
            } else if (value instanceof Node.Sequence seq) {
                List<String> parts = new ArrayList<>();
                for (Node item : seq.items()) {
                    if (item instanceof Node.Scalar s && !s.isNull()) {
                        parts.add(s.text());
                    } else {
                        problems.add(item, "must be a single value, got " + item.kind());
                    }
                }
                into.put(name, String.join(",", parts));
            } else if (value instanceof Node.Scalar s && s.isNull()) {
                problems.add(value, "must have a value");
            } else if (value instanceof Node.Scalar s && !s.broken()) {
                into.put(name, s.text());
            }
        }
    }

    private static StateConfig state(Fields top) {
        Fields f = top.has("state") ? top.fields("state") : Fields.ofEmpty(top.path("state"), top.line(), top.problems());
        if (f == null) {
            return null;
        }
        f.allowOnly("dir", "memory", "instance-id");
        Path dir = null;
        String dirText = f.string("dir", DEFAULT_STATE_DIR);
        if (dirText != null) {
            try {
                dir = Path.of(dirText);
            } catch (InvalidPathException e) {
                Node.Scalar s = f.scalar("dir");
                f.problems().add(s, "must be a directory path, got " + s.shown());
            }
        }
        Long memory = memory(f);
        String instanceId = f.string("instance-id", null);
        if (instanceId != null && !INSTANCE_ID.matcher(instanceId).matches()) {
            Node.Scalar s = f.scalar("instance-id");
            f.problems().add(s, "must be letters, digits, '.', '_' and '-' (at most 200), got " + s.shown());
        }
        return dir == null || memory == null ? null : new StateConfig(dir, memory, instanceId);
    }

    private static Long memory(Fields f) {
        if (!f.has("memory")) {
            return DEFAULT_MEMORY;
        }
        String text = f.requiredString("memory");
        if (text == null) {
            return null;
        }
        Node.Scalar s = f.scalar("memory");
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            f.problems().add(s, "must be a size like 256MB or 1GB, got " + s.shown());
            return null;
        }
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(java.util.Locale.ROOT);
        int shift = switch (unit) {
            case "KB" -> 10;
            case "MB" -> 20;
            case "GB" -> 30;
            default -> 0;
        };
        long amount = Long.parseLong(m.group(1));
        if (amount == 0) {
            f.problems().add(s, "must be more than 0");
            return null;
        }
        return amount << shift;
    }

    private static HttpConfig http(Fields top) {
        Fields f = top.has("http") ? top.fields("http") : Fields.ofEmpty(top.path("http"), top.line(), top.problems());
        if (f == null) {
            return null;
        }
        f.allowOnly("enabled", "bind", "port");
        Boolean enabled = f.bool("enabled", true);
        String bind = f.has("bind") ? f.requiredString("bind") : "127.0.0.1";
        Integer port = f.integer("port", 8080, 0, 65535);
        return enabled == null || bind == null || port == null ? null : new HttpConfig(enabled, bind, port);
    }

    private static List<JobConfig> jobs(Fields top) {
        List<JobConfig> jobs = new ArrayList<>();
        if (!top.has("jobs")) {
            top.problems().add(top.path("jobs"), "is required: a list of at least one job", top.line());
            return jobs;
        }
        Node.Sequence seq = top.sequence("jobs");
        if (seq == null) {
            return jobs;
        }
        if (seq.items().isEmpty()) {
            top.problems().add(seq, "must list at least one job");
        }
        Map<String, Node.Scalar> names = new HashMap<>();
        for (Node item : seq.items()) {
            JobConfig job = JobBinder.bind(item, top.problems());
            if (job != null) {
                jobs.add(job);
            }
            if (item instanceof Node.Mapping m && m.entries().get("name") instanceof Node.Scalar name
                    && !name.isNull() && !name.broken()) {
                Node.Scalar first = names.putIfAbsent(name.text(), name);
                if (first != null) {
                    top.problems().add(name, "duplicate job name, first used by "
                            + first.path().replaceAll("\\.name$", "") + " at line " + first.line());
                }
            }
        }
        return jobs;
    }
}
