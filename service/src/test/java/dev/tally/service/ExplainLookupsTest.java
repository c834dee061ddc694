package dev.tally.service;

import dev.tally.config.TallyConfigLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tally explain} (and the dashboard's plan) describe a job's tables and lookups instead of failing on them. */
class ExplainLookupsTest {
    @Test
    void shouldDescribeTheTableAndTheLookupWhenAJobEnrichesFromATable() throws Exception {
        String text = JobExplanation.of(TallyConfigLoader.load(Path.of("..", "examples", "views-per-country.yaml"))
                .job("views-per-country"));
        assertTrue(text.contains("look user up in table users (country = country, plan = plan; no row: dead-letter)"), text);
        assertTrue(text.contains("table      users: every partition of topic user-profiles"), text);
        assertTrue(text.contains("versions by record time for 1h; lookups as of each record's time"), text);
    }
}
