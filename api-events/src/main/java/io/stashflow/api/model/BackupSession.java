package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/** Stash {@code BackupSession} ({@code stash.appscode.com/v1beta1}, namespaced): one run of a backup invoker. */
public record BackupSession(
        String apiVersion,
        String kind,
        ObjectMeta metadata,
        BackupSessionSpec spec,
        BackupSessionStatus status) implements StashResource {
}
