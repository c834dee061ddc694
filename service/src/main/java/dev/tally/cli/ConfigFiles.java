package dev.tally.cli;

import dev.tally.config.ConfigException;
import dev.tally.config.TallyConfig;
import dev.tally.config.TallyConfigLoader;

import java.nio.file.Path;

/** Loads a config file for a command; a bad file prints its problems (path, line) and exits 2. */
final class ConfigFiles {
    static final int BAD_CONFIG = 2;

    private ConfigFiles() {
    }

    static TallyConfig load(Path file) throws BadConfig {
        try {
            return TallyConfigLoader.load(file);
        } catch (ConfigException e) {
            throw new BadConfig(e.getMessage());
        }
    }

    /** The problems were already phrased for the user; no stack trace. */
    static final class BadConfig extends Exception {
        BadConfig(String message) {
            super(message, null, false, false);
        }
    }
}
