package io.stashflow.api.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;

/** One BackupBatch member: the template part of a BackupConfiguration. */
public record BackupConfigurationTemplateSpec(
        TaskRef task,
        BackupTarget target,
        RuntimeSettings runtimeSettings,
        EmptyDirSettings tempDir,
        @JsonIgnoreProperties(value = {"apiVersion", "kind"}, allowSetters = true) PersistentVolumeClaim interimVolumeTemplate,
        BackupHooks hooks) {
}
