package io.stashflow.api.model;

import java.util.List;

/**
 * @param hooks global hooks, run around all members
 * @param executionOrder {@code Parallel} or {@code Sequential}
 */
public record BackupBatchSpec(
        List<BackupConfigurationTemplateSpec> members,
        String schedule,
        RuntimeSettings runtimeSettings,
        String driver,
        ObjectRef repository,
        RetentionPolicy retentionPolicy,
        Boolean paused,
        Integer backupHistoryLimit,
        BackupHooks hooks,
        String executionOrder,
        String timeOut,
        RetryConfig retryConfig) {

    public BackupBatchSpec {
        members = ModelCollections.list(members);
    }
}
