package io.stashflow.reporter.api;

import static io.stashflow.reporter.Fixtures.backupKey;
import static io.stashflow.reporter.Fixtures.request;
import static io.stashflow.reporter.Fixtures.restoreKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.stashflow.events.RepositoryStatus;
import io.stashflow.events.SessionKey;
import io.stashflow.events.StepRole;
import io.stashflow.reporter.Fixtures;
import io.stashflow.reporter.Fixtures.Session;
import io.stashflow.reporter.core.PhaseTableTest;
import io.stashflow.reporter.core.RepositoryStatusMerger;
import io.stashflow.reporter.core.SessionFacts;
import io.stashflow.reporter.core.StatusProjector;
import io.stashflow.reporter.events.ReporterSignal;
import io.stashflow.reporter.events.SignalKind;
import io.stashflow.service.http.ServiceHttpServer;
import io.stashflow.service.metrics.ServiceMetrics;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP status API over a fixed set of sessions (a hand-written {@link StatusApi.StatusSource}). */
class StatusApiTest {

    /** Serves whatever the test put in; "not queryable" until {@code ready}. */
    static final class FixedSource implements StatusApi.StatusSource {
        final List<SessionFacts> sessions = new ArrayList<>();
        final List<RepositoryStatus> repositories = new ArrayList<>();
        boolean ready = true;

        @Override
        public Optional<List<SessionFacts>> sessions() {
            return ready ? Optional.of(sessions) : Optional.empty();
        }

        @Override
        public Optional<List<RepositoryStatus>> repositories() {
            return ready ? Optional.of(repositories) : Optional.empty();
        }
    }

    final FixedSource source = new FixedSource();
    final HttpClient http = HttpClient.newHttpClient();
    ServiceHttpServer server;

    static SessionFacts session(SessionKey key, List<Object> inputs) {
        SessionFacts facts = PhaseTableTest.facts(key, inputs);
        facts.lastStatus(StatusProjector.project(facts, new StatusProjector.Settings(false)).status());
        return facts;
    }

    @BeforeEach
    void start() {
        SessionKey backup = backupKey("pg-backup-1");
        List<Object> in = new ArrayList<>(List.of(request(backup, 0)));
        in.addAll(new Session(backup).successfulTarget(0, 5));
        source.sessions.add(session(backup, in));
        SessionKey running = backupKey("pg-backup-2");
        source.sessions.add(session(running, List.of(request(running, 100),
                new Session(running).started(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 101))));
        SessionKey restore = restoreKey("pg-restore");
        source.sessions.add(session(restore, List.of(request(restore, 50))));
        source.repositories.add(RepositoryStatusMerger.merge(null, new StatusProjector.RepositoryUpdate("prod", "demo",
                "gcs-repo", "o", true, "1.250 GiB", 7L, 2L, Fixtures.at(0), Fixtures.BACKUP_INVOKER, "demo")));
        server = new ServiceHttpServer(new InetSocketAddress("127.0.0.1", 0), new ServiceMetrics("t_"));
        new StatusApi(source).register(server);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertEquals(200, response.statusCode(), response.body());
        return StashJson.MAPPER.readTree(response.body());
    }

    @Test
    void listsSessionsNewestFirstAsStashObjectsWithFilters() throws Exception {
        JsonNode all = json("/sessions");
        assertEquals("List", all.path("kind").asText());
        assertEquals(List.of("pg-backup-2", "pg-restore", "pg-backup-1"), names(all));
        JsonNode first = all.path("items").get(2);
        assertEquals("stash.appscode.com/v1beta1", first.path("apiVersion").asText());
        assertEquals("BackupSession", first.path("kind").asText());
        assertEquals("BackupConfiguration", first.path("spec").path("invoker").path("kind").asText());
        assertEquals("2026-01-10T02:00:00Z", first.path("metadata").path("creationTimestamp").asText());
        assertEquals("Succeeded", first.path("status").path("phase").asText());
        assertEquals("35s", first.path("status").path("sessionDuration").asText());
        assertTrue(first.path("steps").isMissingNode(), "steps only on the single-session view");
        assertEquals("RestoreSession", all.path("items").get(1).path("kind").asText());
        assertEquals(List.of("pg-backup-2"), names(json("/sessions?phase=Running")));
        assertEquals(List.of(), names(json("/sessions?namespace=other")));
    }

    @Test
    void oneSessionCarriesEveryContainerOutcome() throws Exception {
        JsonNode one = json("/sessions/demo/pg-backup-1");
        assertEquals(4, one.path("steps").size());
        assertEquals("postgres-backup-16.1-0", one.path("steps").get(0).path("container").asText());
        assertEquals("UPDATE_STATUS", one.path("steps").get(3).path("role").asText());
        JsonNode target = one.path("status").path("targets").get(0);
        assertEquals("AppBinding", target.path("ref").path("kind").asText());
        assertEquals(1, target.path("totalHosts").asInt());
        assertEquals("12.5 MiB", target.path("stats").get(0).path("snapshots").get(0).path("totalSize").asText());
        assertFalse(target.path("stats").get(0).has("error"), "empty fields are omitted, as Go's omitempty does");
    }

    @Test
    void aRetriedSessionShowsRetriedAndNextRetryAsStashDoes() throws Exception {
        SessionKey key = backupKey("pg-backup-3");
        Session s = new Session(key);
        SessionFacts facts = PhaseTableTest.facts(key, List.of(request(key, 200),
                s.started(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 201),
                s.failed(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 220, "Error", "dump failed"),
                ReporterSignal.newBuilder().setKind(SignalKind.RETRIED).setSessionKind("BACKUP")
                        .setMessage("pg-backup-4").setAt(Fixtures.at(500)).setSource("aggregator").build()));
        facts.lastStatus(StatusProjector.project(facts, new StatusProjector.Settings(false)).status());
        source.sessions.add(facts);

        JsonNode status = json("/sessions/demo/pg-backup-3").path("status");
        assertEquals("Failed", status.path("phase").asText());
        assertTrue(status.path("retried").asBoolean());
        assertEquals(StashJson.time(Fixtures.at(500)), status.path("nextRetry").asText());
        assertFalse(json("/sessions/demo/pg-backup-1").path("status").has("retried"), "omitted when not retried");
    }

    @Test
    void repositoriesAndErrors() throws Exception {
        JsonNode repo = json("/repositories").path("items").get(0);
        assertEquals("stash.appscode.com/v1alpha1", repo.path("apiVersion").asText());
        assertEquals("Repository", repo.path("kind").asText());
        assertEquals(true, repo.path("status").path("integrity").asBoolean());
        assertEquals(7, repo.path("status").path("snapshotCount").asInt());
        assertEquals("2026-01-10T02:00:00Z", repo.path("status").path("lastBackupTime").asText());
        assertEquals("BackupConfiguration", repo.path("status").path("references").get(0).path("kind").asText());
        HttpResponse<String> unknown = get("/sessions/demo/nope");
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("session demo/nope is not known"), unknown.body());
        source.ready = false;
        assertEquals(503, get("/sessions").statusCode());
    }

    static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.path("items").forEach(i -> out.add(i.path("metadata").path("name").asText()));
        return out;
    }
}
