package io.stashflow.reporter.k8s;

import static io.stashflow.reporter.Fixtures.backupKey;
import static io.stashflow.reporter.Fixtures.host;
import static io.stashflow.reporter.Fixtures.repositoryResult;
import static io.stashflow.reporter.Fixtures.request;
import static io.stashflow.reporter.Fixtures.restoreKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.events.RepositoryStatus;
import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.StepRole;
import io.stashflow.reporter.Fixtures;
import io.stashflow.reporter.Fixtures.Session;
import io.stashflow.reporter.core.PhaseTableTest;
import io.stashflow.reporter.core.RepositoryStatusMerger;
import io.stashflow.reporter.core.SessionFacts;
import io.stashflow.reporter.core.StatusProjector;
import io.stashflow.reporter.events.ReporterSignal;
import io.stashflow.reporter.events.SignalKind;
import java.io.InputStream;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's write-back against the fabric8 mock API server in CRUD mode, with the Stash CRDs loaded. One server for
 * the class (starting one costs seconds); every test uses its own object names.
 */
@EnableKubernetesMockClient(crud = true)
class StatusWriteBackTest {

    static KubernetesClient client;
    StatusWriteBack writeBack;

    @BeforeAll
    static void crds() throws Exception {
        for (String file : List.of("stash.appscode.com_backupsessions.yaml", "stash.appscode.com_restoresessions.yaml",
                "stash.appscode.com_repositories.yaml")) {
            try (InputStream in = StatusWriteBackTest.class.getResourceAsStream("/crds/" + file)) {
                for (HasMetadata crd : client.load(in).items()) {
                    client.resource(crd).createOr(NonDeletingOperation::update);
                }
            }
        }
    }

    @BeforeEach
    void writer() {
        writeBack = new StatusWriteBack(client, "prod", "stashflow-agent",
                Clock.fixed(Fixtures.T0, ZoneOffset.UTC));
    }

    GenericKubernetesResource create(String apiVersion, String kind, String name, Map<String, Object> spec) {
        GenericKubernetesResource resource = new GenericKubernetesResourceBuilder().withApiVersion(apiVersion)
                .withKind(kind).withNewMetadata().withName(name).withNamespace("demo").endMetadata().build();
        resource.setAdditionalProperty("spec", spec);
        return client.genericKubernetesResources(StatusWriteBack.context(apiVersion, kind)).resource(resource).create();
    }

    GenericKubernetesResource get(String apiVersion, String kind, String name) {
        return client.genericKubernetesResources(StatusWriteBack.context(apiVersion, kind)).inNamespace("demo")
                .withName(name).get();
    }

    static List<Event> eventsOf(String session) {
        return client.v1().events().inNamespace("demo").list().getItems().stream()
                .filter(e -> e.getInvolvedObject().getName().equals(session)).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> status(GenericKubernetesResource r) {
        return (Map<String, Object>) r.getAdditionalProperties().get("status");
    }

    static SessionStatus project(SessionKey key, List<Object> inputs, boolean pushed) {
        SessionFacts facts = PhaseTableTest.facts(key, inputs);
        if (pushed) {
            facts.addSignal(PhaseTableTest.metricsPushed(key, true, 60));
        }
        return StatusProjector.project(facts, new StatusProjector.Settings(true)).status();
    }

    @Test
    @SuppressWarnings("unchecked")
    void writesTheBackupSessionStatusThroughTheSubresourceAndEmitsHostEventsOnce() {
        SessionKey key = backupKey("pg-backup-1");
        create(StatusWriteBack.STASH_V1BETA1, "BackupSession", key.getName(), Map.of("invoker",
                Map.of("apiGroup", "stash.appscode.com", "kind", "BackupConfiguration", "name", "pg-backup")));
        Session s = new Session(key).hosts(2);
        List<Object> in = new ArrayList<>(List.of(request(key, 0), s.started(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 1),
                s.updateStatus(0, 30, List.of(host("host-0", "Succeeded", null), host("host-1", "Failed", "dump failed")),
                        repositoryResult(true, true))));
        String recordKey = RecordKeys.of(key);
        writeBack.applySession(recordKey, project(key, in, false));
        GenericKubernetesResource running = get(StatusWriteBack.STASH_V1BETA1, "BackupSession", key.getName());
        assertEquals("Running", status(running).get("phase"));
        assertEquals("BackupConfiguration", ((Map<String, Object>) running.getAdditionalProperties().get("spec"))
                .get("invoker") instanceof Map<?, ?> m ? m.get("kind") : null, "spec untouched");

        SessionStatus done = project(key, in, true);
        writeBack.applySession(recordKey, done);
        writeBack.applySession(recordKey, done); // redelivered
        Map<String, Object> written = status(get(StatusWriteBack.STASH_V1BETA1, "BackupSession", key.getName()));
        assertEquals("Failed", written.get("phase"));
        assertEquals("1m0s", written.get("sessionDuration"));
        List<Map<String, Object>> targets = (List<Map<String, Object>>) written.get("targets");
        List<Map<String, Object>> stats = (List<Map<String, Object>>) targets.get(0).get("stats");
        assertEquals("dump failed", stats.get(1).get("error"));
        assertTrue(((List<Map<String, Object>>) written.get("conditions")).stream()
                .anyMatch(c -> c.get("type").equals("MetricsPushed") && c.get("status").equals("True")));

        List<Event> events = eventsOf(key.getName());
        assertEquals(2, events.size(), events.toString());
        Event failed = events.stream().filter(e -> e.getReason().equals("Host Backup Failed")).findFirst().orElseThrow();
        assertEquals("Warning", failed.getType());
        assertEquals("BackupSession", failed.getInvolvedObject().getKind());
        assertEquals(key.getName(), failed.getInvolvedObject().getName());
        assertEquals("backup failed for host host-1. Reason: dump failed", failed.getMessage());
        Event ok = events.stream().filter(e -> e.getReason().equals("Host Backup Succeeded")).findFirst().orElseThrow();
        assertEquals("Normal", ok.getType());
    }

    @Test
    void writesRestoreSessionStatusFlatAsStashDoes() {
        SessionKey key = restoreKey("pg-restore-1");
        create(StatusWriteBack.STASH_V1BETA1, "RestoreSession", key.getName(), Map.of("repository", Map.of("name", "gcs-repo")));
        Session s = new Session(key);
        writeBack.applySession(RecordKeys.of(key), project(key, List.of(request(key, 0),
                s.updateStatus(0, 20, List.of(host("host-0", "Succeeded", null)), null)), true));
        Map<String, Object> status = status(get(StatusWriteBack.STASH_V1BETA1, "RestoreSession", key.getName()));
        assertEquals("Succeeded", status.get("phase"));
        assertEquals(1, status.get("totalHosts"));
        assertNotNull(status.get("stats"));
        assertNull(status.get("targets"), "a RestoreSession status has no targets list");
        assertEquals("Host Restore Succeeded", eventsOf(key.getName()).get(0).getReason());
    }

    @Test
    void writesRepositoryStatusAndIgnoresOtherClusters() {
        create(StatusWriteBack.STASH_V1ALPHA1, "Repository", "gcs-repo", Map.of("backend", Map.of("gcs",
                Map.of("bucket", "b"))));
        RepositoryStatus repo = RepositoryStatusMerger.merge(null, new StatusProjector.RepositoryUpdate("prod", "demo",
                "gcs-repo", "o1", true, "1.250 GiB", 7L, 2L, Fixtures.at(0), Fixtures.BACKUP_INVOKER, "demo"));
        writeBack.applyRepository("elsewhere/demo/gcs-repo", repo);
        assertNull(status(get(StatusWriteBack.STASH_V1ALPHA1, "Repository", "gcs-repo")));
        writeBack.applyRepository("prod/demo/gcs-repo", repo);
        Map<String, Object> status = status(get(StatusWriteBack.STASH_V1ALPHA1, "Repository", "gcs-repo"));
        assertEquals(true, status.get("integrity"));
        assertEquals("1.250 GiB", status.get("totalSize"));
        assertEquals(7, status.get("snapshotCount"));
        assertEquals(2, status.get("snapshotsRemovedOnLastCleanup"));
        assertEquals("2026-01-10T02:00:00Z", status.get("lastBackupTime"));
        assertEquals("2026-01-10T02:00:00Z", status.get("firstBackupTime"));
    }

    @Test
    void aRetriedSessionGetsStashsRetriedAndNextRetry() {
        SessionKey key = backupKey("pg-backup-retried");
        create(StatusWriteBack.STASH_V1BETA1, "BackupSession", key.getName(), Map.of("invoker",
                Map.of("apiGroup", "stash.appscode.com", "kind", "BackupConfiguration", "name", "pg-backup")));
        Session s = new Session(key);
        SessionFacts facts = PhaseTableTest.facts(key, List.of(request(key, 0),
                s.started(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 1),
                s.failed(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 20, "Error", "dump failed")));
        facts.addSignal(PhaseTableTest.metricsPushed(key, true, 60));
        String recordKey = RecordKeys.of(key);
        writeBack.applySession(recordKey, StatusProjector.project(facts, new StatusProjector.Settings(true)).status());
        Map<String, Object> failed = status(get(StatusWriteBack.STASH_V1BETA1, "BackupSession", key.getName()));
        assertEquals("Failed", failed.get("phase"));
        assertNull(failed.get("retried"));

        facts.addSignal(ReporterSignal.newBuilder().setKind(SignalKind.RETRIED).setSessionKind("BACKUP")
                .setMessage("pg-backup-1768010700").setAt(Fixtures.at(300)).setSource("aggregator").build());
        writeBack.applySession(recordKey, StatusProjector.project(facts, new StatusProjector.Settings(true)).status());
        Map<String, Object> retried = status(get(StatusWriteBack.STASH_V1BETA1, "BackupSession", key.getName()));
        assertEquals(Boolean.TRUE, retried.get("retried"));
        assertEquals(io.stashflow.reporter.api.StashJson.time(Fixtures.at(300)), retried.get("nextRetry"));
        assertEquals("Failed", retried.get("phase"));
        assertEquals("1m0s", retried.get("sessionDuration"));
    }

    @Test
    void aTombstoneDeletesTheBackupSessionAndAMissingSessionIsSkipped() {
        create(StatusWriteBack.STASH_V1BETA1, "BackupSession", "pg-backup-old", Map.of());
        writeBack.applySession("prod/demo/pg-backup-old", null);
        assertNull(get(StatusWriteBack.STASH_V1BETA1, "BackupSession", "pg-backup-old"));
        SessionKey key = backupKey("never-created");
        writeBack.applySession(RecordKeys.of(key), project(key, List.of(request(key, 0)), false));
        assertNull(get(StatusWriteBack.STASH_V1BETA1, "BackupSession", "never-created"));
    }
}
