package dev.tally.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Which Kafka client properties hold secrets, judged by name: passwords, keys, tokens, JAAS lines. */
final class KafkaSecrets {
    static final String MASK = "******";
    private static final List<String> SECRET_WORDS = List.of("password", "secret", "jaas", "credential");
    // "key" and "token" also name things that are not secret: key.serializer, token.endpoint.url.
    private static final Set<String> NOT_SECRET_WITH_KEY = Set.of("serializer", "deserializer", "converter");
    private static final Set<String> NOT_SECRET_WITH_TOKEN = Set.of("endpoint", "url", "uri");

    private KafkaSecrets() {
    }

    static boolean isSecret(String property) {
        String lower = property.toLowerCase(Locale.ROOT);
        if (SECRET_WORDS.stream().anyMatch(lower::contains) || lower.endsWith("user.info")) {
            return true;
        }
        List<String> words = List.of(lower.split("[._-]"));
        if (words.contains("key") && words.stream().noneMatch(NOT_SECRET_WITH_KEY::contains)) {
            return true;
        }
        return words.contains("token") && words.stream().noneMatch(NOT_SECRET_WITH_TOKEN::contains);
    }
}
