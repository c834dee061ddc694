package dev.tally.cli;

import dev.tally.pg.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code tally validate --connect}: what a job's table lacks or gets wrong, with the statement to run; nothing changed. */
class ValidateConnectTest {
    private static LocalPostgres pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = LocalPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private String run(String table, int expectedExit) throws Exception {
        Path config = Files.writeString(dir.resolve("t.yaml"), """
                kafka: { bootstrap.servers: 127.0.0.1:9092 }
                jobs:
                  - name: views
                    source: { topic: clicks, format: json }
                    key: user
                    window: { type: tumbling, size: 1m }
                    aggregates: { views: count, bytes: { sum: bytes } }
                    sink: { topic: views-out, postgres: { url: "%s", user: postgres, table: %s } }
                """.formatted(pg.jdbcUrl(), table));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(expectedExit, TallyCli.execute("validate", "-c", config.toString(), "--connect"));
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8).replace(config.toString(), "t.yaml");
    }

    @Test
    void shouldPrintWhatToRunWhenTheTableIsMissingLacksAColumnOrHasAWrongType() throws Exception {
        assertEquals("""
                t.yaml: ok, 1 job(s): views
                job views: table page_views does not exist; tally run creates it:
                job views: CREATE TABLE IF NOT EXISTS "page_views" (
                  key text COLLATE "C" NOT NULL,
                  window_start timestamptz NOT NULL,
                  window_end timestamptz,
                  "views" bigint,
                  "bytes" numeric,
                  updated_at timestamptz NOT NULL DEFAULT now(),
                  PRIMARY KEY (key, window_start)
                ) WITH (fillfactor = 50);
                """, run("page_views", 0));
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE old_views (key text, window_start timestamptz, window_end timestamptz, views integer,"
                    + " updated_at timestamptz, PRIMARY KEY (key, window_start))");
        }
        assertEquals("""
                t.yaml: ok, 1 job(s): views
                job views: table old_views, column views: is integer, the sink writes bigint; run:
                job views: ALTER TABLE "old_views" ALTER COLUMN "views" TYPE bigint USING "views"::bigint;
                job views: table old_views has no column bytes; tally run adds it:
                job views: ALTER TABLE "old_views" ADD COLUMN "bytes" numeric;
                """, run("old_views", 1));
    }
}
