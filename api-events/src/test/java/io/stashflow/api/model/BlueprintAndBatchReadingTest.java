package io.stashflow.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BlueprintAndBatchReadingTest {

    @Test
    void backupBlueprintWithEveryField() {
        BackupBlueprint blueprint = ModelFixtures.readSingle("backupblueprint-full.yaml", BackupBlueprint.class);
        BackupBlueprintSpec spec = blueprint.spec();

        assertEquals("postgres-backup-template", blueprint.name());
        assertNull(blueprint.namespace());
        assertEquals(Optional.of("gcs"), spec.backend().provider());
        assertEquals(new GCSSpec("stash-gcs", "stash-backup/${TARGET_NAMESPACE}/${TARGET_APP_RESOURCE}/${TARGET_NAME}", null),
                spec.backend().gcs());
        assertEquals("gcs-secret", spec.backend().storageSecretName());
        assertEquals(Boolean.FALSE, spec.wipeOut());
        assertEquals(new UsagePolicy(new AllowedNamespaces("All", null)), spec.usagePolicy());
        assertEquals("backups", spec.repoNamespace());
        assertEquals("backup-jobs", spec.backupNamespace());
        assertEquals("0 */6 * * *", spec.schedule());
        assertEquals(new TaskRef("postgres-backup-${TARGET_APP_VERSION}", List.of(new Param("args", "--no-owner"))), spec.task());
        assertEquals(new RetentionPolicy("keep-last-5", 5, null, null, null, null, null, List.of(), true, null), spec.retentionPolicy());
        assertEquals("blueprint-sa", spec.runtimeSettings().pod().serviceAccountName());
        assertEquals(new IONiceSettings(2, 0), spec.runtimeSettings().container().ionice());
        assertEquals(new EmptyDirSettings("Memory", new Quantity("256Mi"), null), spec.tempDir());
        assertEquals(new Quantity("1Gi"), spec.interimVolumeTemplate().getSpec().getResources().getRequests().get("storage"));
        assertEquals(List.of("/bin/sync"), spec.hooks().preBackup().exec().getCommand());
        assertEquals(List.of("/bin/echo", "done"), spec.hooks().postBackup().exec().getCommand());
        assertEquals("OnFinalRetryFailure", spec.hooks().postBackup().executionPolicy());
        assertEquals(5, spec.backupHistoryLimit());
        assertEquals("1h", spec.timeOut());
        assertEquals(new RetryConfig(2, "10m"), spec.retryConfig());
    }

    @Test
    void backupBatchWithMembersHooksAndStatus() {
        BackupBatch batch = ModelFixtures.readSingle("backupbatch-full.yaml", BackupBatch.class);
        BackupBatchSpec spec = batch.spec();

        assertEquals("wordpress-backup", batch.name());
        assertEquals("demo", batch.namespace());
        assertEquals(2, spec.members().size());
        BackupConfigurationTemplateSpec app = spec.members().get(0);
        assertNull(app.task());
        assertEquals("app", app.target().alias());
        assertEquals(new TargetRef("apps/v1", "Deployment", "wordpress", null), app.target().ref());
        assertEquals(List.of("/var/www/html"), app.target().paths());
        assertEquals(List.of("/var/www/html/cache"), app.target().exclude());
        assertEquals("/var/www/html", app.target().volumeMounts().get(0).getMountPath());
        assertEquals(new NiceSettings(1), app.runtimeSettings().container().nice());
        assertEquals(new EmptyDirSettings("Memory", null, null), app.tempDir());
        assertEquals(List.of("wp", "maintenance-mode", "activate"), app.hooks().preBackup().exec().getCommand());
        assertEquals("wordpress", app.hooks().preBackup().containerName());
        assertNull(app.interimVolumeTemplate());
        BackupConfigurationTemplateSpec db = spec.members().get(1);
        assertEquals(new TaskRef("mysql-backup-8.0.21", List.of()), db.task());
        assertEquals("AppBinding", db.target().ref().kind());
        assertEquals(new Quantity("1Gi"), db.interimVolumeTemplate().getSpec().getResources().getRequests().get("storage"));

        assertEquals("*/10 * * * *", spec.schedule());
        assertEquals(10, spec.runtimeSettings().pod().priority());
        assertEquals("Restic", spec.driver());
        assertEquals(new ObjectRef("gcs-repo", null), spec.repository());
        assertEquals(new RetentionPolicy("keep-last-10", 10, null, null, null, null, null, List.of(), true, true), spec.retentionPolicy());
        assertEquals(Boolean.TRUE, spec.paused());
        assertEquals(2, spec.backupHistoryLimit());
        HTTPPostAction notify = spec.hooks().postBackup().httpPost();
        assertEquals("/notify", notify.path());
        assertEquals(new IntOrString("http"), notify.port());
        assertEquals("{\"batch\":\"${INVOKER_NAME}\"}", notify.body());
        assertEquals(List.of(), notify.form());
        assertEquals("Always", spec.hooks().postBackup().executionPolicy());
        assertNull(spec.hooks().preBackup());
        assertEquals("Sequential", spec.executionOrder());
        assertEquals("45m", spec.timeOut());
        assertEquals(new RetryConfig(1, "1m"), spec.retryConfig());

        BackupBatchStatus status = batch.status();
        assertEquals(1L, status.observedGeneration());
        assertEquals("Ready", status.phase());
        assertEquals("RepositoryFound", status.conditions().get(0).getType());
        MemberConditions member = status.memberConditions().get(0);
        assertEquals(new TargetRef("apps/v1", "Deployment", "wordpress", "demo"), member.target());
        assertEquals("BackupTargetFound", member.conditions().get(0).getType());
        assertEquals("TargetAvailable", member.conditions().get(0).getReason());
    }
}
