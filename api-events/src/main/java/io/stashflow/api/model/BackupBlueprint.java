package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * Stash {@code BackupBlueprint} ({@code stash.appscode.com/v1beta1}, cluster-scoped): a template for a
 * Repository plus a BackupConfiguration, applied to workloads that opt in by annotation.
 */
public record BackupBlueprint(String apiVersion, String kind, ObjectMeta metadata, BackupBlueprintSpec spec)
        implements StashResource {
}
