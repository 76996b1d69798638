package io.stashflow.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionReadingTest {

    @Test
    void backupSessionSpecAndStatus() {
        BackupSession session = ModelFixtures.readSingle("backupsession-full.yaml", BackupSession.class);

        assertEquals("sample-postgres-backup-1714557600", session.name());
        assertEquals("demo", session.namespace());
        assertEquals("2024-05-01T10:00:00Z", session.metadata().getCreationTimestamp());
        assertEquals("BackupConfiguration", session.metadata().getLabels().get("stash.appscode.com/invoker-type"));
        assertEquals(new InvokerRef("stash.appscode.com", "BackupConfiguration", "sample-postgres-backup"), session.spec().invoker());
        assertEquals(2, session.spec().retryLeft());

        BackupSessionStatus status = session.status();
        assertEquals("Succeeded", status.phase());
        assertEquals("1m5s", status.sessionDuration());
        assertEquals("2024-05-01T12:30:00Z", status.sessionDeadline());
        assertEquals(Boolean.TRUE, status.retried());
        assertEquals("2024-05-01T10:05:00Z", status.nextRetry());
        assertEquals(List.of("BackendRepositoryInitialized", "RetentionPolicyApplied"),
                status.conditions().stream().map(c -> c.getType()).toList());
        // kmodules conditions may carry a severity; fabric8 keeps it, and it is not reported as unknown
        assertEquals("Info", status.conditions().get(1).getAdditionalProperties().get("severity"));

        BackupTargetStatus target = status.targets().get(0);
        assertEquals(new TargetRef("appcatalog.appscode.com/v1alpha1", "AppBinding", "sample-postgres", "demo"), target.ref());
        assertEquals(1, target.totalHosts());
        assertEquals("Succeeded", target.phase());
        assertEquals(List.of("InitializeBackendRepository"), target.preBackupActions());
        assertEquals(List.of("ApplyRetentionPolicy", "VerifyRepositoryIntegrity", "SendRepositoryMetrics"), target.postBackupActions());
        assertEquals("BackupExecutorEnsured", target.conditions().get(0).getType());
        assertEquals(new HostBackupStats("host-0", "Succeeded", "52.3s", "", List.of(
                new SnapshotStats("1a2b3c4d", "/postgres", "12.3 MiB", "1.2 MiB", "0:05", new FileStats(120L, 3L, 2L, 115L)))),
                target.stats().get(0));
    }

    @Test
    void restoreSessionWithRulesVolumeClaimTemplatesAndStatus() {
        RestoreSession session = ModelFixtures.readSingle("restoresession-full.yaml", RestoreSession.class);
        RestoreSessionSpec spec = session.spec();

        assertEquals("restore-sample-pvc", session.name());
        assertEquals(new TaskRef("pvc-restore", List.of(new Param("outputDir", "/stash-tmp/output"))), spec.task());
        RestoreTarget target = spec.target();
        assertEquals("data", target.alias());
        assertEquals(new TargetRef("apps/v1", "StatefulSet", "sample-sts", null), target.ref());
        assertEquals("/source/data", target.volumeMounts().get(0).getMountPath());
        assertEquals(3, target.replicas());
        PersistentVolumeClaim claim = target.volumeClaimTemplates().get(0);
        assertEquals("data-restore-${POD_ORDINAL}", claim.getMetadata().getName());
        assertEquals(new Quantity("1Gi"), claim.getSpec().getResources().getRequests().get("storage"));
        assertEquals("VolumeSnapshot", claim.getSpec().getDataSource().getKind());
        assertEquals("data-snapshot-${POD_ORDINAL}", claim.getSpec().getDataSource().getName());
        assertEquals("snapshot.storage.k8s.io", claim.getSpec().getDataSource().getApiGroup());
        assertEquals(List.of(new Rule(List.of("host-0", "host-1"), "host-0", List.of("latest"), List.of("/source/data"),
                List.of("/source/data/cache"), List.of("/source/data/important"))), target.rules());
        assertEquals(List.of("--verbose"), target.args());

        assertEquals(new NiceSettings(3), spec.runtimeSettings().container().nice());
        assertNull(spec.runtimeSettings().pod());
        assertEquals(new EmptyDirSettings("", new Quantity("512Mi"), false), spec.tempDir());
        assertEquals("restore-interim", spec.interimVolumeTemplate().getMetadata().getName());
        assertEquals("/prepare", spec.hooks().preRestore().httpGet().getPath());
        assertEquals(new IntOrString(8080), spec.hooks().preRestore().httpGet().getPort());
        assertEquals("app", spec.hooks().preRestore().containerName());
        assertEquals(new IntOrString(5432), spec.hooks().postRestore().tcpSocket().getPort());
        assertEquals("OnSuccess", spec.hooks().postRestore().executionPolicy());
        assertEquals("Restic", spec.driver());
        assertEquals(new ObjectRef("local-repo", null), spec.repository());
        assertEquals(List.of(new Rule(List.of(), null, List.of("4bc21d6f"), List.of(), List.of(), List.of())), spec.rules());
        assertEquals("30m", spec.timeOut());

        RestoreSessionStatus status = session.status();
        assertEquals("Running", status.phase());
        assertEquals(3, status.totalHosts());
        assertEquals("2m10s", status.sessionDuration());
        assertEquals("2024-05-01T11:00:00Z", status.sessionDeadline());
        assertEquals(List.of(new HostRestoreStats("host-0", "Succeeded", "40s", null),
                new HostRestoreStats("host-1", "Failed", "12s", "restic: snapshot not found")), status.stats());
        assertEquals("RestoreExecutorEnsured", status.conditions().get(0).getType());
    }
}
