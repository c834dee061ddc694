package dev.tally.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KafkaSecretsTest {

    @ParameterizedTest(name = "{0} secret={1}")
    @CsvSource({
        "sasl.jaas.config, true",
        "ssl.truststore.password, true",
        "ssl.key.password, true",
        "ssl.keystore.key, true",
        "sasl.oauthbearer.client.credentials.client.secret, true",
        "basic.auth.user.info, true",
        "api.key, true",
        "sasl.oauthbearer.token, true",
        "bootstrap.servers, false",
        "key.serializer, false",
        "key.deserializer, false",
        "ssl.keystore.location, false",
        "ssl.keymanager.algorithm, false",
        "sasl.oauthbearer.token.endpoint.url, false",
        "security.protocol, false",
        "sasl.mechanism, false",
    })
    void shouldJudgeSecretByPropertyNameWhenMasking(String property, boolean secret) {
        assertEquals(secret, KafkaSecrets.isSecret(property));
    }

    @Test
    void shouldMaskSecretValuesWhenDisplayingKafkaSettings() {
        TallyConfig c = new TallyConfig(Map.of(
                "bootstrap.servers", "b:9092",
                "sasl.jaas.config", "PlainLoginModule required password=\"p\";",
                "ssl.truststore.password", "changeit",
                "key.serializer", "org.apache.kafka.common.serialization.StringSerializer"),
                new StateConfig(Path.of("s"), 1, null), new HttpConfig(true, "127.0.0.1", 0), List.of());
        assertEquals(List.of(
                Map.entry("bootstrap.servers", "b:9092"),
                Map.entry("key.serializer", "org.apache.kafka.common.serialization.StringSerializer"),
                Map.entry("sasl.jaas.config", "******"),
                Map.entry("ssl.truststore.password", "******")),
                List.copyOf(c.kafkaForDisplay().entrySet()));
        assertEquals("changeit", c.kafka().get("ssl.truststore.password"));
    }
}
