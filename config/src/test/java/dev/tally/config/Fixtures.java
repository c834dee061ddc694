package dev.tally.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Test files under src/test/resources and the one way the tests parse them. */
final class Fixtures {
    private Fixtures() {
    }

    static Path resource(String name) {
        URL url = Fixtures.class.getResource("/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(String name) {
        try {
            return Files.readString(resource(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The problems of a file that must not load, as their one-line strings. */
    static List<String> problems(String yaml, Map<String, String> env) {
        try {
            TallyConfig config = TallyConfigLoader.parse(yaml, "test.yaml", env);
            throw new AssertionError("expected problems, but it loaded: " + config);
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
    }
}
