package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/** Stash {@code BackupBatch} ({@code stash.appscode.com/v1beta1}, namespaced): several targets backed up together. */
public record BackupBatch(
        String apiVersion,
        String kind,
        ObjectMeta metadata,
        BackupBatchSpec spec,
        BackupBatchStatus status) implements StashResource {
}
