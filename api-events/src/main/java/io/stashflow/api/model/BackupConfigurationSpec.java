package io.stashflow.api.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;

/**
 * The inlined template fields ({@code task} .. {@code hooks}) followed by the invoker fields. Defaults Stash
 * applies (driver {@code Restic}, backupHistoryLimit 1) are not filled in here: absent stays null.
 *
 * @param interimVolumeTemplate a claim template (metadata and spec, as Stash's offshoot type); the apiVersion and
 *     kind fabric8 fills in by default are not written back, the template never had them
 * @param schedule a cron expression
 * @param driver {@code Restic} or {@code VolumeSnapshotter}
 * @param timeOut a Go duration; no default
 */
public record BackupConfigurationSpec(
        TaskRef task,
        BackupTarget target,
        RuntimeSettings runtimeSettings,
        EmptyDirSettings tempDir,
        @JsonIgnoreProperties(value = {"apiVersion", "kind"}, allowSetters = true) PersistentVolumeClaim interimVolumeTemplate,
        BackupHooks hooks,
        String schedule,
        String driver,
        ObjectRef repository,
        RetentionPolicy retentionPolicy,
        Boolean paused,
        Integer backupHistoryLimit,
        String timeOut,
        RetryConfig retryConfig) {
}
