package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/** Stash {@code BackupConfiguration} ({@code stash.appscode.com/v1beta1}, namespaced): a scheduled backup invoker. */
public record BackupConfiguration(
        String apiVersion,
        String kind,
        ObjectMeta metadata,
        BackupConfigurationSpec spec,
        BackupConfigurationStatus status) implements StashResource {
}
