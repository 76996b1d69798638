package io.stashflow.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackupConfigurationReadingTest {

    private final BackupConfiguration configuration =
            ModelFixtures.readSingle("backupconfiguration-full.yaml", BackupConfiguration.class);
    private final BackupConfigurationSpec spec = configuration.spec();

    @Test
    void envelope() {
        assertEquals("stash.appscode.com/v1beta1", configuration.apiVersion());
        assertEquals("BackupConfiguration", configuration.kind());
        assertEquals("sample-postgres-backup", configuration.name());
        assertEquals("demo", configuration.namespace());
        assertEquals(3L, configuration.metadata().getGeneration());
    }

    @Test
    void taskAndTarget() {
        assertEquals(new TaskRef("postgres-backup-16.1", List.of(new Param("args", "--clean"))), spec.task());
        BackupTarget target = spec.target();
        assertEquals("db", target.alias());
        assertEquals(new TargetRef("appcatalog.appscode.com/v1alpha1", "AppBinding", "sample-postgres", "demo"), target.ref());
        assertEquals(List.of("/var/lib/postgresql/data"), target.paths());
        assertEquals("data", target.volumeMounts().get(0).getName());
        assertEquals("/var/lib/postgresql/data", target.volumeMounts().get(0).getMountPath());
        assertEquals(2, target.replicas());
        assertEquals("csi-snapshot-class", target.snapshotClassName());
        assertEquals(List.of("/var/lib/postgresql/data/*.tmp"), target.exclude());
        assertEquals(List.of("--verbose"), target.args());
    }

    @Test
    void podRuntimeSettings() {
        PodRuntimeSettings pod = spec.runtimeSettings().pod();
        assertEquals(Map.of("team", "storage"), pod.podLabels());
        assertEquals(Map.of("example.com/audit", "true"), pod.podAnnotations());
        assertEquals(Map.of("kubernetes.io/os", "linux"), pod.nodeSelector());
        assertEquals("backup-sa", pod.serviceAccountName());
        assertEquals(Map.of("eks.amazonaws.com/role-arn", "arn:aws:iam::111122223333:role/backup"), pod.serviceAccountAnnotations());
        assertEquals(Boolean.FALSE, pod.automountServiceAccountToken());
        assertEquals("node-1", pod.nodeName());
        assertEquals(1000L, pod.securityContext().getRunAsUser());
        assertEquals(2000L, pod.securityContext().getFsGroup());
        assertEquals("registry-creds", pod.imagePullSecrets().get(0).getName());
        assertEquals("ssd", pod.affinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms().get(0).getMatchExpressions().get(0).getValues().get(0));
        assertEquals("custom-scheduler", pod.schedulerName());
        assertEquals("dedicated", pod.tolerations().get(0).getKey());
        assertEquals("NoSchedule", pod.tolerations().get(0).getEffect());
        assertEquals("backup-priority", pod.priorityClassName());
        assertEquals(1000, pod.priority());
        assertEquals("example.com/ready", pod.readinessGates().get(0).getConditionType());
        assertEquals("gvisor", pod.runtimeClassName());
        assertEquals(Boolean.FALSE, pod.enableServiceLinks());
        assertEquals(1, pod.topologySpreadConstraints().get(0).getMaxSkew());
        assertEquals("topology.kubernetes.io/zone", pod.topologySpreadConstraints().get(0).getTopologyKey());
        assertEquals(Map.of("app", "backup"), pod.topologySpreadConstraints().get(0).getLabelSelector().getMatchLabels());
    }

    @Test
    void containerRuntimeSettings() {
        ContainerRuntimeSettings container = spec.runtimeSettings().container();
        assertEquals(new Quantity("250m"), container.resources().getRequests().get("cpu"));
        assertEquals(new Quantity("1"), container.resources().getLimits().get("cpu"));
        assertEquals(List.of("/bin/true"), container.livenessProbe().getExec().getCommand());
        assertEquals(30, container.livenessProbe().getPeriodSeconds());
        assertEquals("/ready", container.readinessProbe().getHttpGet().getPath());
        assertEquals(new IntOrString(8080), container.readinessProbe().getHttpGet().getPort());
        assertEquals(List.of("/bin/sh", "-c", "sleep 5"), container.lifecycle().getPreStop().getExec().getCommand());
        assertEquals(Boolean.TRUE, container.securityContext().getRunAsNonRoot());
        assertEquals(Boolean.TRUE, container.securityContext().getReadOnlyRootFilesystem());
        assertEquals(new NiceSettings(10), container.nice());
        assertEquals(new IONiceSettings(3, 7), container.ionice());
        assertEquals("backup-env", container.envFrom().get(0).getConfigMapRef().getName());
        assertEquals("TZ", container.env().get(0).getName());
        assertEquals("UTC", container.env().get(0).getValue());
        assertEquals("metadata.name", container.env().get(1).getValueFrom().getFieldRef().getFieldPath());
    }

    @Test
    void tempDirAndInterimVolume() {
        assertEquals(new EmptyDirSettings("Memory", new Quantity("2Gi"), true), spec.tempDir());
        PersistentVolumeClaim interim = spec.interimVolumeTemplate();
        assertEquals("interim-storage", interim.getMetadata().getName());
        assertEquals(List.of("ReadWriteOnce"), interim.getSpec().getAccessModes());
        assertEquals("standard", interim.getSpec().getStorageClassName());
        assertEquals(new Quantity("5Gi"), interim.getSpec().getResources().getRequests().get("storage"));
    }

    @Test
    void hooks() {
        HookHandler preBackup = spec.hooks().preBackup();
        assertEquals(List.of("/bin/sh", "-c", "echo \"freezing ${TARGET_NAME}\""), preBackup.exec().getCommand());
        assertEquals("postgres", preBackup.containerName());
        assertNull(preBackup.httpGet());
        assertNull(preBackup.httpPost());
        assertNull(preBackup.tcpSocket());

        PostHookHandler postBackup = spec.hooks().postBackup();
        assertEquals("OnFailure", postBackup.executionPolicy());
        HTTPPostAction post = postBackup.httpPost();
        assertEquals("hooks.example.com", post.host());
        assertEquals("/done", post.path());
        assertEquals(new IntOrString(8443), post.port());
        assertEquals("HTTPS", post.scheme());
        assertEquals("Authorization", post.httpHeaders().get(0).getName());
        assertEquals("Bearer token-name-only", post.httpHeaders().get(0).getValue());
        assertNull(post.body());
        assertEquals(List.of(new FormEntry("session", List.of("${BACKUP_SESSION}")),
                new FormEntry("phase", List.of("${TARGET_PHASE}"))), post.form());
        assertEquals(new HookHandler(null, null, post, null, null), postBackup.handler());
    }

    @Test
    void invokerFields() {
        assertEquals("*/5 * * * *", spec.schedule());
        assertEquals("Restic", spec.driver());
        assertEquals(new ObjectRef("gcs-repo", "backups"), spec.repository());
        assertEquals(new RetentionPolicy("keep-last-5", 5, 24, 7, 4, 12, 2, List.of("important"), true, false),
                spec.retentionPolicy());
        assertEquals(Boolean.FALSE, spec.paused());
        assertEquals(3, spec.backupHistoryLimit());
        assertEquals("2h30m", spec.timeOut());
        assertEquals(new RetryConfig(3, "5m"), spec.retryConfig());
    }

    @Test
    void status() {
        BackupConfigurationStatus status = configuration.status();
        assertEquals(3L, status.observedGeneration());
        assertEquals("Ready", status.phase());
        assertEquals(2, status.conditions().size());
        Condition repositoryFound = status.conditions().get(0);
        assertEquals("RepositoryFound", repositoryFound.getType());
        assertEquals("True", repositoryFound.getStatus());
        assertEquals("RepositoryAvailable", repositoryFound.getReason());
        assertEquals("Repository demo/gcs-repo exist.", repositoryFound.getMessage());
        assertEquals("2024-05-01T10:00:00Z", repositoryFound.getLastTransitionTime());
        assertNull(repositoryFound.getObservedGeneration());
        assertEquals(3L, status.conditions().get(1).getObservedGeneration());
    }

    @Test
    void absentFieldsStayNullSoDefaultsAreVisible() {
        String yaml = """
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupConfiguration
                metadata: {name: bare, namespace: demo}
                spec:
                  repository: {name: repo}
                  target:
                    ref: {apiVersion: apps/v1, kind: Deployment, name: app}
                """;
        BackupConfigurationSpec bare = ModelFixtures.READER.read(yaml, "bare.yaml").get(0).as(BackupConfiguration.class).spec();

        assertNull(bare.driver());
        assertNull(bare.backupHistoryLimit());
        assertNull(bare.paused());
        assertNull(bare.retryConfig());
        assertNull(bare.task());
        assertNull(bare.target().replicas());
        assertEquals(List.of(), bare.target().paths());
        assertEquals(new ObjectRef("repo", null), bare.repository());
    }
}
