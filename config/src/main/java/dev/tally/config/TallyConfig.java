package dev.tally.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A whole Tally configuration file: the Kafka client settings shared by every job, where state
 * lives, the HTTP endpoint, and the jobs themselves.
 *
 * @param kafka Kafka client properties passed through unchanged (bootstrap.servers, security.protocol, sasl.*, ssl.*)
 */
public record TallyConfig(Map<String, String> kafka, StateConfig state, HttpConfig http, List<JobConfig> jobs) {
    public TallyConfig {
        kafka = Map.copyOf(kafka);
        jobs = List.copyOf(jobs);
    }

    public JobConfig job(String name) {
        return jobs.stream().filter(j -> j.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no job named " + name));
    }

    /**
     * The Kafka settings as logs and {@code /jobs} may show them, sorted by name: the values of
     * passwords, secrets, keys, tokens and JAAS configurations replaced by {@code ******}.
     */
    public Map<String, String> kafkaForDisplay() {
        Map<String, String> shown = new TreeMap<>();
        kafka.forEach((k, v) -> shown.put(k, KafkaSecrets.isSecret(k) ? KafkaSecrets.MASK : v));
        return Collections.unmodifiableMap(shown);
    }
}
