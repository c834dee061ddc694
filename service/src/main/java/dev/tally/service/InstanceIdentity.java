package dev.tally.service;

import dev.tally.config.StateConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The stable identity of an instance: its group.instance.id (static membership, so a restart
 * after a crash gets its partitions back at once) and the suffix of its transactional.id.
 * Configured, or generated once and kept beside the local state it belongs to.
 */
final class InstanceIdentity {
    private InstanceIdentity() {
    }

    static String resolve(StateConfig state) {
        if (state.instanceId() != null && !state.instanceId().isBlank()) {
            return state.instanceId();
        }
        Path file = state.dir().resolve("instance-id");
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            Files.createDirectories(state.dir());
            String id = "tally-" + UUID.randomUUID().toString().substring(0, 8);
            Files.writeString(file, id, StandardCharsets.UTF_8);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the instance identity in " + file, e);
        }
    }
}
