package io.stashflow.api.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;

/**
 * The inlined RepositorySpec ({@code backend}, {@code wipeOut}, {@code usagePolicy}) plus the
 * BackupConfiguration template. Strings may hold {@code ${TARGET_*}} placeholders.
 *
 * @param repoNamespace where the generated Repository is created
 * @param backupNamespace where the generated BackupConfiguration is created (listed in the Stash reference §1.8)
 */
public record BackupBlueprintSpec(
        Backend backend,
        Boolean wipeOut,
        UsagePolicy usagePolicy,
        String repoNamespace,
        String schedule,
        TaskRef task,
        RetentionPolicy retentionPolicy,
        RuntimeSettings runtimeSettings,
        EmptyDirSettings tempDir,
        @JsonIgnoreProperties(value = {"apiVersion", "kind"}, allowSetters = true) PersistentVolumeClaim interimVolumeTemplate,
        BackupHooks hooks,
        Integer backupHistoryLimit,
        String timeOut,
        RetryConfig retryConfig,
        String backupNamespace) {
}
