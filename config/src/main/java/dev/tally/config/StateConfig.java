package dev.tally.config;

import java.nio.file.Path;

/**
 * Where local state lives and how much memory RocksDB may use in this process.
 *
 * @param dir         directory holding one RocksDB store per job, and this instance's identity
 * @param memoryBytes one budget for the shared block cache and write buffers of every store
 * @param instanceId  stable identity of this instance (group.instance.id, transactional.id);
 *                    null means: generate one and keep it in {@code dir}
 */
public record StateConfig(Path dir, long memoryBytes, String instanceId) {
}
