package io.stashflow.executor.mirror;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Optional;

/**
 * The Stash kinds the agent reads from its cluster, with what a generic client needs to address them without API
 * discovery (group, version, plural, scope).
 */
public final class StashKinds {

    /** One kind. */
    public record Kind(String group, String version, String kind, String plural, boolean namespaced) {

        public String apiVersion() {
            return group + "/" + version;
        }

        public ResourceDefinitionContext context() {
            return new ResourceDefinitionContext.Builder()
                    .withGroup(group).withVersion(version).withKind(kind).withPlural(plural).withNamespaced(namespaced)
                    .build();
        }
    }

    public static final String STASH = "stash.appscode.com";
    public static final String APPCATALOG = "appcatalog.appscode.com";

    public static final Kind FUNCTION = new Kind(STASH, "v1beta1", "Function", "functions", false);
    public static final Kind TASK = new Kind(STASH, "v1beta1", "Task", "tasks", false);
    public static final Kind BACKUP_BLUEPRINT = new Kind(STASH, "v1beta1", "BackupBlueprint", "backupblueprints", false);
    public static final Kind BACKUP_CONFIGURATION = new Kind(STASH, "v1beta1", "BackupConfiguration",
            "backupconfigurations", true);
    public static final Kind BACKUP_BATCH = new Kind(STASH, "v1beta1", "BackupBatch", "backupbatches", true);
    public static final Kind BACKUP_SESSION = new Kind(STASH, "v1beta1", "BackupSession", "backupsessions", true);
    public static final Kind RESTORE_SESSION = new Kind(STASH, "v1beta1", "RestoreSession", "restoresessions", true);
    public static final Kind REPOSITORY = new Kind(STASH, "v1alpha1", "Repository", "repositories", true);
    public static final Kind APP_BINDING = new Kind(APPCATALOG, "v1alpha1", "AppBinding", "appbindings", true);

    /** Every kind the mirror publishes into the definitions topic. */
    public static final List<Kind> ALL = List.of(FUNCTION, TASK, BACKUP_BLUEPRINT, BACKUP_CONFIGURATION, BACKUP_BATCH,
            BACKUP_SESSION, RESTORE_SESSION, REPOSITORY, APP_BINDING);

    private StashKinds() {
    }

    public static Optional<Kind> byApiVersionAndKind(String apiVersion, String kind) {
        return ALL.stream().filter(k -> k.apiVersion().equals(apiVersion) && k.kind().equals(kind)).findFirst();
    }
}
