package io.stashflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.stashflow.api.topics.Topics;
import io.stashflow.cli.StashflowCommand;
import io.stashflow.events.SessionStatus;
import io.stashflow.standalone.DemoData;
import io.stashflow.standalone.ExamplesSource;
import io.stashflow.standalone.SessionWatcher;
import io.stashflow.standalone.StandaloneStack;
import io.stashflow.standalone.TestStacks;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The PostgreSQL example ({@code deploy/examples/postgres}) for real: a throwaway PostgreSQL server with awkward rows,
 * the standalone stack running the example unchanged except for the server's port (the {@code port} param, as a user
 * would set it), a backup session (pg_dump into the dump PVC, restic backup of it, update-status), the dump removed,
 * a restore session (restic restore of the dump, createdb, pg_restore) into a new database, and the rows of the new
 * database compared with those the source had at backup time.
 *
 * <p>Needs PostgreSQL's server programs ({@code /usr/lib/postgresql/N/bin}), its clients on the PATH and restic.
 * Without the server programs the test is skipped on a developer machine and fails under CI ({@code CI=true}), where
 * {@code .ci/run} installs them.
 */
class PostgresRoundTripTest {

    private static final String NAMESPACE = "postgres-demo";
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(90);

    private static final String SOURCE_ROWS = """
            CREATE TABLE customers (
              id integer PRIMARY KEY,
              name text NOT NULL,
              note text,
              city text,
              balance numeric(12,2),
              tags text[],
              profile jsonb,
              photo bytea,
              joined timestamptz
            );
            INSERT INTO customers VALUES
              (1, 'O''Brien', 'said "hello" \\ left; DROP TABLE customers; --', 'Zürich', 1234.50,
               ARRAY['vip', 'has space', 'quote''s', NULL], '{"lang": "ga", "nested": {"n": [1, 2, null]}}',
               '\\x00ff10de', '2026-01-02 03:04:05+00'),
              (2, 'Ελένη 東京 🐘', E'line one\\nline two\\ttabbed\\r\\n', NULL, NULL, NULL, NULL, NULL, NULL),
              (3, '', '', 'NULL', -0.01, '{}', 'null', '\\x', '1999-12-31 23:59:59.999999+00');
            CREATE TABLE orders (
              id bigserial PRIMARY KEY,
              customer integer NOT NULL REFERENCES customers (id),
              item text NOT NULL,
              quantity integer CHECK (quantity > 0)
            );
            INSERT INTO orders (customer, item, quantity) VALUES (1, 'backup tape', 3), (2, 'élan', 1), (1, 'tape', NULL);
            """;

    /** Every row as JSON (one line each: newlines inside values are escaped), then the sequence's position. */
    private static final String SNAPSHOT = """
            SELECT 'customers ' || row_to_json(c)::text FROM customers c ORDER BY id;
            SELECT 'orders ' || row_to_json(o)::text FROM orders o ORDER BY id;
            SELECT 'orders_id_seq ' || last_value || ' ' || is_called FROM orders_id_seq;
            """;

    @TempDir
    Path dataDir;

    @Test
    void dumpsIntoResticAndRestoresTheRowsIntoANewDatabase() throws Exception {
        Optional<Path> bin = ThrowawayPostgres.findBinaries();
        if (bin.isEmpty()) {
            String why = "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin with initdb, pg_ctl and"
                    + " psql): apt-get install postgresql";
            if ("true".equals(System.getenv("CI"))) {
                fail(why + " (.ci/run installs it; under CI this test must run)");
            }
            Assumptions.assumeTrue(false, why);
        }
        assertTrue(DemoData.onPath("restic"), "restic must be installed (apt-get install restic)");
        for (String client : List.of("pg_dump", "createdb", "pg_restore")) {
            assertTrue(DemoData.onPath(client), client + " must be on the PATH: the example's steps run it"
                    + " (Debian: postgresql-client)");
        }

        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        // quotes, a dollar and a space: the password travels as PGPASSWORD from the Secret file, never through a shell
        String password = HexFormat.of().formatHex(random) + "'\"$ pw";
        try (ThrowawayPostgres pg = ThrowawayPostgres.start(bin.get(), password)) {
            pg.psql("postgres", "CREATE DATABASE shop;");
            pg.psql("shop", SOURCE_ROWS);
            List<String> atBackup = pg.psql("shop", SNAPSHOT);
            assertEquals(7, atBackup.size(), String.join("\n", atBackup));
            assertTrue(atBackup.stream().anyMatch(r -> r.contains("Ελένη 東京 🐘")), String.join("\n", atBackup));
            assertTrue(atBackup.stream().anyMatch(r -> r.contains("\"city\":null")), String.join("\n", atBackup));

            StandaloneStack.Settings settings = TestStacks.settings(dataDir)
                    .withDefinitions(dataDir.resolve("definitions"));
            Path definitions = settings.definitionsDir().orElseThrow();
            ExamplesSource.copy(Path.of("examples").toAbsolutePath(), "postgres", definitions);
            // what a user with a server on another port changes (deploy/examples/README.md)
            Map<String, String> port = Map.of("port", Integer.toString(pg.port()));
            ExampleParams.set(definitions.resolve("backupconfiguration.yaml"), "BackupConfiguration", "shop-backup",
                    port);
            ExampleParams.set(definitions.resolve("restoresession.yaml"), "RestoreSession", "shop-restore", port);
            Path secrets = settings.effectiveSecretsDir();
            DemoData.writeSecret(secrets, NAMESPACE, "postgres-repo-secret");
            Files.createDirectories(secrets.resolve(NAMESPACE).resolve("postgres-auth"));
            Files.writeString(secrets.resolve(NAMESPACE).resolve("postgres-auth").resolve("password"), password);

            List<String> progress = Collections.synchronizedList(new ArrayList<>());
            try (StandaloneStack stack = StandaloneStack.start(settings, progress::add);
                 SessionWatcher watcher = new SessionWatcher(stack.bootstrapServers(), stack.registry(),
                         Topics.withDefaultPrefix())) {
                trigger(settings, NAMESPACE + "/shop-backup", "--session-name", "shop-backup-1");
                awaitSucceeded(watcher, "shop-backup-1", progress);
                Path dump = settings.executorWorkDir().resolve("claims").resolve(NAMESPACE).resolve("postgres-dump")
                        .resolve("dump.pgdump");
                assertTrue(Files.size(dump) > 0, "pg_dump wrote " + dump);

                // after the backup: the source moves on, and the dump is lost; only restic has it now
                pg.psql("shop", "UPDATE customers SET city = 'moved' WHERE id = 1;"
                        + " INSERT INTO orders (customer, item, quantity) VALUES (3, 'after the backup', 9);");
                assertNotEquals(atBackup, pg.psql("shop", SNAPSHOT));
                Files.delete(dump);

                trigger(settings, "--restore", NAMESPACE + "/shop-restore", "--session-name", "shop-restore-1");
                awaitSucceeded(watcher, "shop-restore-1", progress);
                assertTrue(Files.isRegularFile(dump), "pvc-restore brought the dump back into the claim");

                List<String> restored = pg.psql("shop_restored", SNAPSHOT);
                assertEquals(atBackup, restored, "the new database has exactly the rows of the backup");
                assertFalse(restored.stream().anyMatch(r -> r.contains("after the backup")));
                assertEquals(List.of("t"), pg.psql("postgres",
                        "SELECT count(*) = 1 FROM pg_database WHERE datname = 'shop_restored';"));
            }
        }
    }

    private static void trigger(StandaloneStack.Settings settings, String... args) {
        List<String> all = new ArrayList<>(List.of("trigger"));
        all.addAll(List.of(args));
        all.addAll(List.of("--bootstrap-servers", settings.bootstrapServers(), "--registry-url",
                settings.registryUrl()));
        StringWriter text = new StringWriter();
        CommandLine line = StashflowCommand.commandLine();
        line.setOut(new PrintWriter(text, true));
        line.setErr(new PrintWriter(text, true));
        assertEquals(0, line.execute(all.toArray(String[]::new)), text.toString());
    }

    private void awaitSucceeded(SessionWatcher watcher, String session, List<String> progress) throws IOException {
        Optional<SessionStatus> status = watcher.awaitFinal(StandaloneStack.CLUSTER, NAMESPACE, session,
                SESSION_TIMEOUT, progress::add);
        if (status.isEmpty() || !"Succeeded".equals(status.get().getPhase())) {
            fail(NAMESPACE + "/" + session + " "
                    + status.map(s -> "ended " + s.getPhase() + "\n" + String.join("\n", SessionWatcher.explain(s)))
                    .orElse("did not end within " + SESSION_TIMEOUT.toSeconds() + " s")
                    + "\nprogress:\n" + String.join("\n", progress) + "\nstep logs:\n" + stepLogs());
        }
    }

    /** The output of every step of the namespace's runs, for a failure message. */
    private String stepLogs() throws IOException {
        Path runs = dataDir.resolve("executor/runs").resolve(NAMESPACE);
        if (!Files.isDirectory(runs)) {
            return "(no runs in " + runs + ")";
        }
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.walk(runs)) {
            for (Path log : files.filter(f -> f.getParent().getFileName().toString().equals("logs")).sorted()
                    .toList()) {
                String content = Files.readString(log, StandardCharsets.UTF_8);
                text.append("== ").append(runs.relativize(log)).append('\n')
                        .append(content.length() > 3000 ? "..." + content.substring(content.length() - 3000)
                                : content).append('\n');
            }
        }
        return text.toString();
    }
}
