package io.stashflow.planner.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stashflow.api.model.AppBinding;
import io.stashflow.api.model.BackupBlueprint;
import io.stashflow.api.model.TargetRef;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlueprintVariablesTest {

    @Test
    void workloadTargetGivesTheTargetVariablesWithALowerCasedKind() throws Exception {
        Map<String, String> vars = BlueprintVariables.forTarget(new TargetRef("apps/v1", "StatefulSet", "db", "prod"), null);
        assertEquals("apps/v1", vars.get("TARGET_API_VERSION"));
        assertEquals("statefulset", vars.get("TARGET_KIND"));
        assertEquals("db", vars.get("TARGET_NAME"));
        assertEquals("prod", vars.get("TARGET_NAMESPACE"));
        assertFalse(vars.containsKey("TARGET_APP_TYPE"));
        assertEquals("backups/prod/statefulset/db",
                BlueprintVariables.resolve("bp", "spec.backend.gcs.prefix",
                        "backups/${TARGET_NAMESPACE}/${TARGET_KIND}/${TARGET_NAME}", vars));
    }

    @Test
    void appBindingTargetAddsTheAppVariables() throws Exception {
        AppBinding binding = ResolverTestSupport.readYaml("""
                apiVersion: appcatalog.appscode.com/v1alpha1
                kind: AppBinding
                metadata: {name: pg, namespace: prod}
                spec: {type: kubedb.com/postgres, version: "16.1"}
                """).get(0).as(AppBinding.class);
        Map<String, String> vars = BlueprintVariables.forTarget(
                new TargetRef("appcatalog.appscode.com/v1alpha1", "AppBinding", "pg", "prod"), binding);
        assertEquals("kubedb.com/postgres", vars.get("TARGET_APP_TYPE"));
        assertEquals("kubedb.com", vars.get("TARGET_APP_GROUP"));
        assertEquals("postgres", vars.get("TARGET_APP_RESOURCE"));
        assertEquals("16.1", vars.get("TARGET_APP_VERSION"));
    }

    @Test
    void aWholeBlueprintSpecIsResolvedFieldByField() throws Exception {
        BackupBlueprint blueprint = ResolverTestSupport.readYaml("""
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupBlueprint
                metadata: {name: db-backup, annotations: {note: "${LEFT_ALONE}"}}
                spec:
                  repoNamespace: ${TARGET_NAMESPACE}
                  backend:
                    gcs: {bucket: backups, prefix: "${TARGET_NAMESPACE}/${TARGET_KIND}/${TARGET_NAME}"}
                    storageSecretName: gcs-secret
                  schedule: "*/5 * * * *"
                  task: {name: "${TARGET_APP_RESOURCE:=pvc}-backup"}
                  retentionPolicy: {name: keep, keepLast: 5, prune: true}
                """).get(0).as(BackupBlueprint.class);
        var spec = BlueprintVariables.resolveSpec(blueprint,
                BlueprintVariables.forTarget(new TargetRef("v1", "PersistentVolumeClaim", "data", "prod"), null));
        assertEquals("prod/persistentvolumeclaim/data", spec.backend().gcs().prefix());
        assertEquals("prod", spec.repoNamespace());
        assertEquals("pvc-backup", spec.task().name());
        assertEquals(5, spec.retentionPolicy().keepLast());
    }

    @Test
    void unknownVariablesNameTheBlueprintAndField() {
        ResolutionException e = assertThrows(ResolutionException.class, () -> BlueprintVariables.resolve("bp",
                "spec.backend.s3.prefix", "${TARGET_NAMESPACE}/${CLUSTER}", Map.of("TARGET_NAMESPACE", "x")));
        assertEquals(ResolutionException.Reason.UNRESOLVED_VARIABLE, e.reason());
        assertEquals("BackupBlueprint", e.resourceKind());
        assertEquals("bp", e.resourceName());
        assertEquals("spec.backend.s3.prefix", e.fieldPath());
        assertEquals("CLUSTER", e.variable());
    }
}
