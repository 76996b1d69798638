package io.stashflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code stashflow status} against a stand-in of the reporter's HTTP API serving Stash-shaped JSON. */
class StatusCommandTest {

    static final Instant NOW = Instant.parse("2026-01-10T03:00:00Z");

    static final String SESSION = """
            {"apiVersion":"stash.appscode.com/v1beta1","kind":"BackupSession",
             "metadata":{"name":"pg-backup-1768010400","namespace":"demo","creationTimestamp":"2026-01-10T02:00:00Z"},
             "spec":{"invoker":{"apiGroup":"stash.appscode.com","kind":"BackupConfiguration","name":"pg-backup"}},
             "status":{"phase":"Succeeded","sessionDuration":"1m5s"},
             "steps":[
               {"target":0,"host":"host-0","attempt":1,"index":0,"container":"postgres-backup-16.1-0","role":"STEP",
                "state":"SUCCEEDED","exitCode":0,"reason":"Completed","observedAt":"2026-01-10T02:00:20Z"},
               {"target":0,"host":"host-0","attempt":1,"index":1,"container":"update-status-1","role":"UPDATE_STATUS",
                "state":"FAILED","exitCode":1,"reason":"Error","message":"restic: repository is locked",
                "observedAt":"2026-01-10T02:01:05Z"}]}
            """;
    static final String RESTORE = """
            {"apiVersion":"stash.appscode.com/v1beta1","kind":"RestoreSession",
             "metadata":{"name":"pg-restore","namespace":"demo","creationTimestamp":"2026-01-10T02:58:10Z"},
             "spec":{},"status":{"phase":"Running","totalHosts":1}}
            """;
    static final String REPOSITORIES = """
            {"apiVersion":"v1","kind":"List","items":[{"apiVersion":"stash.appscode.com/v1alpha1","kind":"Repository",
             "metadata":{"name":"gcs-repo","namespace":"demo"},"spec":{},
             "status":{"lastBackupTime":"2026-01-10T02:00:00Z","integrity":true,"totalSize":"1.250 GiB",
             "snapshotCount":7,"snapshotsRemovedOnLastCleanup":2}}]}
            """;

    HttpServer server;
    final List<String> requests = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String uri = exchange.getRequestURI().toString();
            requests.add(uri);
            String body;
            int code = 200;
            if (uri.equals("/sessions") || uri.equals("/sessions?namespace=demo")) {
                body = "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[" + RESTORE + "," + SESSION + "]}";
            } else if (uri.equals("/sessions/demo/pg-backup-1768010400")) {
                body = SESSION;
            } else if (uri.startsWith("/repositories")) {
                body = REPOSITORIES;
            } else {
                code = 404;
                body = "{\"kind\":\"Status\",\"message\":\"session demo/nope is not known to this reporter\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    record Run(int exit, String out, String err) {
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new StatusCommand(Clock.fixed(NOW, ZoneOffset.UTC)))
                .setCaseInsensitiveEnumValuesAllowed(true);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url=http://127.0.0.1:" + server.getAddress().getPort());
        return new Run(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    @Test
    void listsSessionsLikeKubectlGetBackupsession() {
        Run run = run();
        assertEquals(0, run.exit(), run.err());
        assertEquals("""
                NAMESPACE   NAME                   INVOKER-TYPE          INVOKER-NAME   PHASE       DURATION   AGE
                demo        pg-restore             RestoreSession        pg-restore     Running                110s
                demo        pg-backup-1768010400   BackupConfiguration   pg-backup      Succeeded   1m5s       60m
                """, run.out());
    }

    @Test
    void showsOneSessionWithItsSteps() {
        Run run = run("demo/pg-backup-1768010400");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("pg-backup-1768010400   BackupConfiguration   pg-backup      Succeeded   1m5s"),
                run.out());
        assertTrue(run.out().contains("TARGET   HOST     ATTEMPT   STEP   CONTAINER"), run.out());
        assertTrue(run.out().contains("update-status-1          UPDATE_STATUS   FAILED      1      Error       restic:"
                + " repository is locked"), run.out());
    }

    @Test
    void listsRepositoriesLikeKubectlGetRepository() {
        Run run = run("--repositories");
        assertEquals(0, run.exit(), run.err());
        assertEquals("""
                NAMESPACE   NAME       INTEGRITY   SIZE        SNAPSHOT-COUNT   LAST-SUCCESSFUL-BACKUP   AGE
                demo        gcs-repo   true        1.250 GiB   7                60m                      <unknown>
                """, run.out());
    }

    @Test
    void jsonOutputIsTheStashObject() {
        Run run = run("demo/pg-backup-1768010400", "-o", "json");
        assertEquals(0, run.exit());
        assertTrue(run.out().contains("\"kind\" : \"BackupSession\""), run.out());
    }

    @Test
    void unknownSessionsAndUnreachableReportersFailWithAReason() {
        Run unknown = run("demo/nope");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("session demo/nope is not known"), unknown.err());
        assertEquals(CommandLine.ExitCode.USAGE, run("just-a-name").exit());
        server.stop(0);
        Run down = run();
        assertEquals(1, down.exit());
        assertTrue(down.err().contains("cannot reach the status-reporter"), down.err());
    }

    @Test
    void agesReadLikeKubectls() {
        assertEquals("45s", StatusCommand.humanDuration(Duration.ofSeconds(45)));
        assertEquals("4m2s", StatusCommand.humanDuration(Duration.ofSeconds(242)));
        assertEquals("15m", StatusCommand.humanDuration(Duration.ofMinutes(15)));
        assertEquals("3h5m", StatusCommand.humanDuration(Duration.ofMinutes(185)));
        assertEquals("2d", StatusCommand.humanDuration(Duration.ofHours(48)));
        assertEquals("3d4h", StatusCommand.humanDuration(Duration.ofHours(76)));
    }
}
