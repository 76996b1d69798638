package io.stashflow.reporter.core;

import static io.stashflow.reporter.core.ConditionTypes.AGENT_SILENT;
import static io.stashflow.reporter.core.ConditionTypes.BACKUP_DISRUPTED;
import static io.stashflow.reporter.core.ConditionTypes.BACKUP_EXECUTOR_ENSURED;
import static io.stashflow.reporter.core.ConditionTypes.BACKUP_HISTORY_CLEANED;
import static io.stashflow.reporter.core.ConditionTypes.BACKUP_SKIPPED;
import static io.stashflow.reporter.core.ConditionTypes.DEADLINE_EXCEEDED;
import static io.stashflow.reporter.core.ConditionTypes.GLOBAL_POST_BACKUP_HOOK_SUCCEEDED;
import static io.stashflow.reporter.core.ConditionTypes.GLOBAL_PRE_BACKUP_HOOK_SUCCEEDED;
import static io.stashflow.reporter.core.ConditionTypes.METRICS_PUSHED;
import static io.stashflow.reporter.core.ConditionTypes.POST_BACKUP_HOOK_EXECUTION_SUCCEEDED;
import static io.stashflow.reporter.core.ConditionTypes.POST_RESTORE_HOOK_EXECUTION_SUCCEEDED;
import static io.stashflow.reporter.core.ConditionTypes.PRE_BACKUP_HOOK_EXECUTION_SUCCEEDED;
import static io.stashflow.reporter.core.ConditionTypes.PRE_RESTORE_HOOK_EXECUTION_SUCCEEDED;
import static io.stashflow.reporter.core.ConditionTypes.REPOSITORY_INTEGRITY_VERIFIED;
import static io.stashflow.reporter.core.ConditionTypes.REPOSITORY_METRICS_PUSHED;
import static io.stashflow.reporter.core.ConditionTypes.RESTORE_EXECUTOR_ENSURED;
import static io.stashflow.reporter.core.ConditionTypes.RETENTION_POLICY_APPLIED;

import io.stashflow.events.Condition;
import io.stashflow.events.HostStats;
import io.stashflow.events.SessionKind;
import io.stashflow.events.TargetStatus;
import java.util.List;

/**
 * Stash's phase functions (stashed/apimachinery {@code pkg/invoker/backupsession.go} and the restore equivalent),
 * as pure functions of a status. No Kafka, no Kubernetes: the aggregation calls these after every change.
 *
 * <p>Backup target phase, first match wins:
 * <ol>
 *   <li>{@code Failed} if {@code BackupExecutorEnsured}, {@code PreBackupHookExecutionSucceeded} or
 *       {@code PostBackupHookExecutionSucceeded} is False, or {@code BackupDisrupted} is True (restore: the
 *       {@code Restore…} conditions and Stashflow's {@code RestoreDisrupted});</li>
 *   <li>{@code Pending} if {@code totalHosts} is unset;</li>
 *   <li>when every host reported (Succeeded + Failed == totalHosts): {@code Failed} if any failed, else
 *       {@code Succeeded};</li>
 *   <li>{@code Running}.</li>
 * </ol>
 * Backup session phase, first match wins:
 * <ol>
 *   <li>{@code MetricsPushed} False → {@code Failed};</li>
 *   <li>{@code BackupSkipped} True → {@code Skipped};</li>
 *   <li>{@code MetricsPushed} True and any of {@code DeadlineExceeded} True, {@code BackupHistoryCleaned} False,
 *       {@code GlobalPreBackupHookSucceeded} False, {@code GlobalPostBackupHookSucceeded} False (and Stashflow's
 *       {@code AgentSilent} True) → {@code Failed};</li>
 *   <li>no target, or every target Pending → {@code Pending};</li>
 *   <li>every expected target Succeeded/Failed and {@code MetricsPushed} True → {@code Failed} if a target failed or
 *       {@code RetentionPolicyApplied}, {@code RepositoryMetricsPushed} or {@code RepositoryIntegrityVerified} is
 *       False, else {@code Succeeded};</li>
 *   <li>{@code Running}.</li>
 * </ol>
 * So a backup session becomes final only after its metrics were pushed, as in Stash.
 *
 * <p>Restore follows Stash's {@code calculateRestoreSessionPhase}: a False {@code RestoreExecutorEnsured} or hook
 * condition fails the session at once; otherwise it is Pending until a target started, and final when every target is
 * done and {@code MetricsPushed} is set. Two additions, documented departures: {@code MetricsPushed} False fails it
 * (as for backups; Stash's restore would stay Running forever after a failed push with an incomplete target), and
 * {@code DeadlineExceeded}/{@code AgentSilent} with {@code MetricsPushed} True fail it (newer Stash does the same for
 * the deadline).
 */
public final class PhaseCalculator {

    private PhaseCalculator() {
    }

    public static String targetPhase(SessionKind kind, TargetStatus target) {
        List<Condition> c = target.getConditions();
        boolean backup = kind == SessionKind.BACKUP;
        if (Conditions.isFalse(c, backup ? BACKUP_EXECUTOR_ENSURED : RESTORE_EXECUTOR_ENSURED)
                || Conditions.isFalse(c, backup ? PRE_BACKUP_HOOK_EXECUTION_SUCCEEDED : PRE_RESTORE_HOOK_EXECUTION_SUCCEEDED)
                || Conditions.isFalse(c, backup ? POST_BACKUP_HOOK_EXECUTION_SUCCEEDED : POST_RESTORE_HOOK_EXECUTION_SUCCEEDED)
                || Conditions.isTrue(c, backup ? BACKUP_DISRUPTED : ConditionTypes.RESTORE_DISRUPTED)) {
            return Phases.FAILED;
        }
        Integer totalHosts = target.getTotalHosts();
        if (totalHosts == null) {
            return Phases.PENDING;
        }
        int succeeded = 0;
        int failed = 0;
        for (HostStats host : target.getStats()) {
            if (Phases.SUCCEEDED.equals(host.getPhase())) {
                succeeded++;
            } else if (Phases.FAILED.equals(host.getPhase())) {
                failed++;
            }
        }
        if (succeeded + failed == totalHosts) {
            return failed > 0 ? Phases.FAILED : Phases.SUCCEEDED;
        }
        return Phases.RUNNING;
    }

    /**
     * Whether the session's work is over and only its metrics (and history) remain: Stash's "session completed"
     * (all targets done, a global pre-hook failed, or the deadline passed), plus Stashflow's {@code AgentSilent}.
     *
     * @param expectedTargets how many targets the session has; fewer entries mean some have not started
     */
    public static boolean isCompleted(SessionKind kind, List<Condition> conditions, List<TargetStatus> targets,
                                      int expectedTargets) {
        if (Conditions.isTrue(conditions, DEADLINE_EXCEEDED) || Conditions.isTrue(conditions, AGENT_SILENT)
                || (kind == SessionKind.BACKUP && Conditions.isFalse(conditions, GLOBAL_PRE_BACKUP_HOOK_SUCCEEDED))) {
            return true;
        }
        return allTargetsDone(targets, expectedTargets);
    }

    static boolean allTargetsDone(List<TargetStatus> targets, int expectedTargets) {
        if (targets.isEmpty() || targets.size() < expectedTargets) {
            return false;
        }
        return targets.stream().allMatch(t -> Phases.isTargetDone(t.getPhase()));
    }

    public static String sessionPhase(SessionKind kind, List<Condition> conditions, List<TargetStatus> targets,
                                      int expectedTargets) {
        return kind == SessionKind.BACKUP
                ? backupSessionPhase(conditions, targets, expectedTargets)
                : restoreSessionPhase(conditions, targets, expectedTargets);
    }

    static String backupSessionPhase(List<Condition> c, List<TargetStatus> targets, int expectedTargets) {
        if (Conditions.isFalse(c, METRICS_PUSHED)) {
            return Phases.FAILED;
        }
        if (Conditions.isTrue(c, BACKUP_SKIPPED)) {
            return Phases.SKIPPED;
        }
        boolean metricsPushed = Conditions.isTrue(c, METRICS_PUSHED);
        if (metricsPushed && (Conditions.isTrue(c, DEADLINE_EXCEEDED)
                || Conditions.isFalse(c, BACKUP_HISTORY_CLEANED)
                || Conditions.isFalse(c, GLOBAL_PRE_BACKUP_HOOK_SUCCEEDED)
                || Conditions.isFalse(c, GLOBAL_POST_BACKUP_HOOK_SUCCEEDED)
                || Conditions.isTrue(c, AGENT_SILENT))) {
            return Phases.FAILED;
        }
        if (targets.isEmpty() || targets.stream().allMatch(t -> t.getPhase() == null || t.getPhase().isEmpty()
                || Phases.PENDING.equals(t.getPhase()))) {
            return Phases.PENDING;
        }
        if (allTargetsDone(targets, expectedTargets) && metricsPushed) {
            boolean anyFailed = targets.stream().anyMatch(t -> Phases.FAILED.equals(t.getPhase()));
            if (anyFailed || Conditions.isFalse(c, RETENTION_POLICY_APPLIED)
                    || Conditions.isFalse(c, REPOSITORY_METRICS_PUSHED)
                    || Conditions.isFalse(c, REPOSITORY_INTEGRITY_VERIFIED)) {
                return Phases.FAILED;
            }
            return Phases.SUCCEEDED;
        }
        return Phases.RUNNING;
    }

    static String restoreSessionPhase(List<Condition> c, List<TargetStatus> targets, int expectedTargets) {
        for (TargetStatus t : targets) {
            List<Condition> tc = t.getConditions();
            if (Conditions.isFalse(tc, RESTORE_EXECUTOR_ENSURED)
                    || Conditions.isFalse(tc, PRE_RESTORE_HOOK_EXECUTION_SUCCEEDED)
                    || Conditions.isFalse(tc, POST_RESTORE_HOOK_EXECUTION_SUCCEEDED)) {
                return Phases.FAILED;
            }
        }
        if (Conditions.isFalse(c, METRICS_PUSHED)) {
            return Phases.FAILED;
        }
        boolean metricsPushed = Conditions.isTrue(c, METRICS_PUSHED);
        if (metricsPushed && (Conditions.isTrue(c, DEADLINE_EXCEEDED) || Conditions.isTrue(c, AGENT_SILENT))) {
            return Phases.FAILED;
        }
        if (targets.isEmpty() || targets.stream().allMatch(t -> Phases.PENDING.equals(t.getPhase()))) {
            return Phases.PENDING;
        }
        if (allTargetsDone(targets, expectedTargets) && metricsPushed) {
            return targets.stream().anyMatch(t -> Phases.FAILED.equals(t.getPhase())) ? Phases.FAILED : Phases.SUCCEEDED;
        }
        return Phases.RUNNING;
    }
}
