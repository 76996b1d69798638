package io.stashflow.reporter.core;

/**
 * Condition types and reasons, spelled as Stash spells them (stash.appscode.com/v1beta1), plus the few Stashflow adds
 * for situations Stash cannot see. Stashflow's own types are marked; tools written for Stash ignore them.
 */
public final class ConditionTypes {

    private ConditionTypes() {
    }

    public static final String TRUE = "True";
    public static final String FALSE = "False";

    // session level, backup
    public static final String RETENTION_POLICY_APPLIED = "RetentionPolicyApplied";
    public static final String BACKEND_REPOSITORY_INITIALIZED = "BackendRepositoryInitialized";
    public static final String REPOSITORY_INTEGRITY_VERIFIED = "RepositoryIntegrityVerified";
    public static final String REPOSITORY_METRICS_PUSHED = "RepositoryMetricsPushed";
    public static final String BACKUP_SKIPPED = "BackupSkipped";
    public static final String BACKUP_HISTORY_CLEANED = "BackupHistoryCleaned";
    public static final String GLOBAL_PRE_BACKUP_HOOK_SUCCEEDED = "GlobalPreBackupHookSucceeded";
    public static final String GLOBAL_POST_BACKUP_HOOK_SUCCEEDED = "GlobalPostBackupHookSucceeded";
    // session level, both
    public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
    public static final String METRICS_PUSHED = "MetricsPushed";
    /**
     * Stashflow's own: the cluster agent stopped reporting outcomes for a running session. Stash has no equivalent
     * (its operator watches the cluster itself); it fails the session like {@link #DEADLINE_EXCEEDED} does.
     */
    public static final String AGENT_SILENT = "AgentSilent";
    // target level, backup
    public static final String BACKUP_EXECUTOR_ENSURED = "BackupExecutorEnsured";
    public static final String PRE_BACKUP_HOOK_EXECUTION_SUCCEEDED = "PreBackupHookExecutionSucceeded";
    public static final String POST_BACKUP_HOOK_EXECUTION_SUCCEEDED = "PostBackupHookExecutionSucceeded";
    public static final String BACKUP_DISRUPTED = "BackupDisrupted";
    /**
     * Stashflow's own restore counterpart of {@link #BACKUP_DISRUPTED}: a container of the restore pod failed, so the
     * hosts that have not reported never will.
     */
    public static final String RESTORE_DISRUPTED = "RestoreDisrupted";
    // restore
    public static final String RESTORE_EXECUTOR_ENSURED = "RestoreExecutorEnsured";
    public static final String PRE_RESTORE_HOOK_EXECUTION_SUCCEEDED = "PreRestoreHookExecutionSucceeded";
    public static final String POST_RESTORE_HOOK_EXECUTION_SUCCEEDED = "PostRestoreHookExecutionSucceeded";

    // reasons
    public static final String SUCCESSFULLY_APPLIED_RETENTION_POLICY = "SuccessfullyAppliedRetentionPolicy";
    public static final String FAILED_TO_APPLY_RETENTION_POLICY = "FailedToApplyRetentionPolicy";
    public static final String BACKEND_REPOSITORY_FOUND = "BackendRepositoryFound";
    public static final String FAILED_TO_INITIALIZE_BACKEND_REPOSITORY = "FailedToInitializeBackendRepository";
    public static final String SUCCESSFULLY_VERIFIED_REPOSITORY_INTEGRITY = "SuccessfullyVerifiedRepositoryIntegrity";
    public static final String FAILED_TO_VERIFY_REPOSITORY_INTEGRITY = "FailedToVerifyRepositoryIntegrity";
    public static final String SUCCESSFULLY_PUSHED_REPOSITORY_METRICS = "SuccessfullyPushedRepositoryMetrics";
    public static final String FAILED_TO_PUSH_REPOSITORY_METRICS = "FailedToPushRepositoryMetrics";
    public static final String SKIPPED_TAKING_NEW_BACKUP = "SkippedTakingNewBackup";
    public static final String SUCCESSFULLY_CLEANED_BACKUP_HISTORY = "SuccessfullyCleanedBackupHistory";
    public static final String SUCCESSFULLY_ENSURED_BACKUP_EXECUTOR = "SuccessfullyEnsuredBackupExecutor";
    public static final String FAILED_TO_ENSURE_BACKUP_EXECUTOR = "FailedToEnsureBackupExecutor";
    public static final String SUCCESSFULLY_EXECUTED_PRE_BACKUP_HOOK = "SuccessfullyExecutedPreBackupHook";
    public static final String FAILED_TO_EXECUTE_PRE_BACKUP_HOOK = "FailedToExecutePreBackupHook";
    public static final String SUCCESSFULLY_EXECUTED_POST_BACKUP_HOOK = "SuccessfullyExecutedPostBackupHook";
    public static final String FAILED_TO_EXECUTE_POST_BACKUP_HOOK = "FailedToExecutePostBackupHook";
    public static final String SUCCESSFULLY_ENSURED_RESTORE_EXECUTOR = "SuccessfullyEnsuredRestoreExecutor";
    public static final String FAILED_TO_ENSURE_RESTORE_EXECUTOR = "FailedToEnsureRestoreExecutor";
    public static final String SUCCESSFULLY_EXECUTED_PRE_RESTORE_HOOK = "SuccessfullyExecutedPreRestoreHook";
    public static final String FAILED_TO_EXECUTE_PRE_RESTORE_HOOK = "FailedToExecutePreRestoreHook";
    public static final String SUCCESSFULLY_EXECUTED_POST_RESTORE_HOOK = "SuccessfullyExecutedPostRestoreHook";
    public static final String FAILED_TO_EXECUTE_POST_RESTORE_HOOK = "FailedToExecutePostRestoreHook";
    public static final String FAILED_TO_COMPLETE_WITHIN_DEADLINE = "FailedToCompleteWithinDeadline";
    public static final String SUCCESSFULLY_PUSHED_METRICS = "SuccessfullyPushedMetrics";
    public static final String FAILED_TO_PUSH_METRICS = "FailedToPushMetrics";
    /** Stashflow's own reason for {@link #AGENT_SILENT}. */
    public static final String AGENT_STOPPED_REPORTING = "AgentStoppedReporting";
    /** Stashflow's own reason for {@link #BACKUP_DISRUPTED}/{@link #RESTORE_DISRUPTED}: a step container failed. */
    public static final String CONTAINER_FAILED = "ContainerFailed";

    // post-backup action names (BackupTargetStatus.postBackupActions / preBackupActions)
    public static final String INITIALIZE_BACKEND_REPOSITORY = "InitializeBackendRepository";
    public static final String APPLY_RETENTION_POLICY = "ApplyRetentionPolicy";
    public static final String VERIFY_REPOSITORY_INTEGRITY = "VerifyRepositoryIntegrity";
    public static final String SEND_REPOSITORY_METRICS = "SendRepositoryMetrics";
}
