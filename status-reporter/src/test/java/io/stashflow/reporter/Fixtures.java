package io.stashflow.reporter;

import io.stashflow.events.FileStats;
import io.stashflow.events.HostStats;
import io.stashflow.events.InvokerRef;
import io.stashflow.events.PlanRejected;
import io.stashflow.events.PlanTarget;
import io.stashflow.events.RepositoryAction;
import io.stashflow.events.RepositoryResult;
import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionRequested;
import io.stashflow.events.SnapshotStats;
import io.stashflow.events.StepOutcome;
import io.stashflow.events.StepRole;
import io.stashflow.events.StepState;
import io.stashflow.events.TargetRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Events as the planner and executor produce them, for tests. Times are seconds after {@link #T0}. */
public final class Fixtures {

    public static final Instant T0 = Instant.parse("2026-01-10T02:00:00Z");
    private static volatile Instant base = T0;
    public static final String CLUSTER = "prod";
    public static final String NAMESPACE = "demo";
    public static final InvokerRef BACKUP_INVOKER = new InvokerRef("stash.appscode.com", "BackupConfiguration", "pg-backup");
    public static final InvokerRef RESTORE_INVOKER = new InvokerRef("stash.appscode.com", "RestoreSession", "pg-restore");
    public static final TargetRef TARGET = new TargetRef("appcatalog.appscode.com/v1alpha1", "AppBinding", "pg", NAMESPACE);
    public static final TargetRef PVC_TARGET = new TargetRef("v1", "PersistentVolumeClaim", "data", NAMESPACE);

    private Fixtures() {
    }

    public static Instant at(long seconds) {
        return base.plusSeconds(seconds);
    }

    /**
     * Moves the time base (integration tests run against wall-clock services, which must see recent times);
     * {@link #resetBase()} restores {@link #T0}.
     */
    public static void base(Instant newBase) {
        base = newBase;
    }

    public static void resetBase() {
        base = T0;
    }

    public static SessionKey backupKey(String name) {
        return new SessionKey(CLUSTER, NAMESPACE, name, SessionKind.BACKUP);
    }

    public static SessionKey restoreKey(String name) {
        return new SessionKey(CLUSTER, NAMESPACE, name, SessionKind.RESTORE);
    }

    public static SessionRequested request(SessionKey key, long createdAt) {
        return SessionRequested.newBuilder()
                .setCluster(key.getCluster()).setNamespace(key.getNamespace()).setSessionName(key.getName())
                .setKind(key.getKind())
                .setInvoker(key.getKind() == SessionKind.BACKUP ? BACKUP_INVOKER : RESTORE_INVOKER)
                .setRetryLeft(0).setRequestedAt(at(createdAt)).setRequestedBy("scheduler")
                .setLabels(Map.of()).setRetryOf(null).build();
    }

    /** A builder of outcomes of one session. */
    public static final class Session {
        private final SessionKey key;
        private int totalTargets = 1;
        private int totalHosts = 1;
        private Instant deadline;
        private int attempt = 1;

        public Session(SessionKey key) {
            this.key = key;
        }

        public Session targets(int n) {
            this.totalTargets = n;
            return this;
        }

        public Session hosts(int n) {
            this.totalHosts = n;
            return this;
        }

        public Session deadline(long seconds) {
            this.deadline = at(seconds);
            return this;
        }

        public Session attempt(int n) {
            this.attempt = n;
            return this;
        }

        public StepOutcome.Builder base(int target, int stepIndex, String container, StepRole role, StepState state,
                                        long observed) {
            return StepOutcome.newBuilder()
                    .setOutcomeId(key.getName() + "/t" + target + "/a" + attempt + "/" + container + "/" + state)
                    .setSessionKey(key)
                    .setInvoker(key.getKind() == SessionKind.BACKUP ? BACKUP_INVOKER : RESTORE_INVOKER)
                    .setTarget(new PlanTarget(target == 0 ? TARGET : PVC_TARGET, target, totalTargets))
                    .setTotalHosts(totalHosts)
                    .setRepositoryName(NAMESPACE + "/gcs-repo")
                    .setDeadline(deadline)
                    .setHost("host-0")
                    .setStepIndex(stepIndex)
                    .setContainerName(container)
                    .setRole(role)
                    .setState(state)
                    .setExitCode(state == StepState.STARTED ? null : state == StepState.SUCCEEDED ? 0 : 1)
                    .setReason(state == StepState.STARTED ? null : state == StepState.SUCCEEDED ? "Completed" : "Error")
                    .setMessage(null)
                    .setHostStats(List.of())
                    .setRepositoryResult(null)
                    .setStartedAt(at(observed))
                    .setFinishedAt(state == StepState.STARTED ? null : at(observed))
                    .setPodName("stash-backup-" + key.getName() + "-" + target)
                    .setPodUid("uid-" + target + "-" + attempt)
                    .setAttempt(attempt)
                    .setObservedAt(at(observed));
        }

        public StepOutcome started(int target, int step, String container, StepRole role, long observed) {
            return base(target, step, container, role, StepState.STARTED, observed).build();
        }

        public StepOutcome succeeded(int target, int step, String container, StepRole role, long observed) {
            return base(target, step, container, role, StepState.SUCCEEDED, observed).build();
        }

        public StepOutcome failed(int target, int step, String container, StepRole role, long observed, String reason,
                                  String message) {
            return base(target, step, container, role, StepState.FAILED, observed).setReason(reason)
                    .setMessage(message).build();
        }

        /** update-status finished with these host stats and repository result. */
        public StepOutcome updateStatus(int target, long observed, List<HostStats> stats, RepositoryResult result) {
            return base(target, 1, "update-status-1", StepRole.UPDATE_STATUS, StepState.SUCCEEDED, observed)
                    .setHostStats(stats).setRepositoryResult(result).build();
        }

        /** The usual two-container backup of one target: addon step then update-status, all succeeding. */
        public List<StepOutcome> successfulTarget(int target, long start) {
            return List.of(
                    started(target, 0, "postgres-backup-16.1-0", StepRole.STEP, start),
                    succeeded(target, 0, "postgres-backup-16.1-0", StepRole.STEP, start + 20),
                    started(target, 1, "update-status-1", StepRole.UPDATE_STATUS, start + 21),
                    updateStatus(target, start + 30, List.of(host("host-0", "Succeeded", null)),
                            target == totalTargets - 1 ? repositoryResult(true, true) : null));
        }

        public PlanRejected rejected(Integer targetIndex, String reason, long at) {
            return PlanRejected.newBuilder().setSessionKey(key)
                    .setInvoker(key.getKind() == SessionKind.BACKUP ? BACKUP_INVOKER : RESTORE_INVOKER)
                    .setTargetIndex(targetIndex).setReason(reason).setResourceKind("Function")
                    .setResourceNamespace(null).setResourceName("postgres-backup-16.1").setFieldPath("spec.args[3]")
                    .setVariable("REPOSITORY_BUCKET").setRejectedAt(at(at)).build();
        }
    }

    public static HostStats host(String name, String phase, String error) {
        return HostStats.newBuilder().setHostname(name).setPhase(phase).setDuration(error == null ? "12.5s" : null)
                .setError(error)
                .setSnapshots(error != null ? List.of() : List.of(SnapshotStats.newBuilder().setName("a1b2c3")
                        .setPath("/stash-data").setTotalSize("12.5 MiB").setUploaded("1.5 KiB")
                        .setProcessingTime("0:2:5")
                        .setFileStats(new FileStats(10L, 2L, 3L, 5L)).build()))
                .build();
    }

    /** update-status's post-backup actions: retention then integrity (then stops at the first failure). */
    public static RepositoryResult repositoryResult(boolean retention, boolean integrity) {
        List<RepositoryAction> actions = retention
                ? List.of(new RepositoryAction("ApplyRetentionPolicy", true, null),
                        new RepositoryAction("VerifyRepositoryIntegrity", integrity,
                                integrity ? null : "Fatal: repository contains errors"))
                : List.of(new RepositoryAction("ApplyRetentionPolicy", false, "unable to create lock in backend"));
        return RepositoryResult.newBuilder().setActions(actions).setSkippedReason(null)
                .setIntegrity(retention ? integrity : null)
                .setTotalSize(retention ? "1.250 GiB" : null).setSnapshotCount(retention ? 7L : null)
                .setSnapshotsRemoved(retention ? 2L : null).build();
    }
}
