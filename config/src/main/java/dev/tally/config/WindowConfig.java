package dev.tally.config;

import java.time.Duration;

/**
 * The window a record's aggregate belongs to.
 *
 * @param size        tumbling and hopping
 * @param slide       hopping only (tumbling: equals size)
 * @param gap         session only: inactivity that ends a session
 * @param idleTimeout global only: a key untouched this long is dropped (a tombstone is emitted); null = never
 */
public record WindowConfig(Type type, Duration size, Duration slide, Duration gap, Duration idleTimeout) {
    public enum Type { TUMBLING, HOPPING, SESSION, GLOBAL }
}
