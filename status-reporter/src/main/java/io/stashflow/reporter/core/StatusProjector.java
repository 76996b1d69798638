package io.stashflow.reporter.core;

import static io.stashflow.reporter.core.ConditionTypes.*;

import io.stashflow.events.Condition;
import io.stashflow.events.HostStats;
import io.stashflow.events.InvokerRef;
import io.stashflow.events.PlanRejected;
import io.stashflow.events.RepositoryAction;
import io.stashflow.events.RepositoryResult;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.StepOutcome;
import io.stashflow.events.StepRole;
import io.stashflow.events.StepState;
import io.stashflow.events.TargetRef;
import io.stashflow.events.TargetStatus;
import io.stashflow.reporter.events.ReporterSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Computes a session's Stash status from its {@link SessionFacts}. Pure and deterministic: the same set of facts gives
 * the same status whatever order they arrived in, because every choice between facts is made by a total order
 * ({@link #AUTHORITY}) rather than by arrival, and every time in the status is taken from the facts, never from a
 * clock.
 *
 * <p>How step outcomes map to Stash's status (the executor emits STARTED when a container starts and SUCCEEDED or
 * FAILED when it ends; a pod failure is a FAILED outcome of the container that was running):
 * <ul>
 *   <li>The first outcome of a target means its executor was ensured: {@code BackupExecutorEnsured=True} (restore:
 *       {@code RestoreExecutorEnsured}) and {@code totalHosts} set, so the target is Running.</li>
 *   <li>A {@code PlanRejected} sets {@code BackupExecutorEnsured=False} (reason {@code FailedToEnsureBackupExecutor},
 *       message "Failed to ensure backup executor. Reason: &lt;resolver message&gt;") on its target (index 0 when the
 *       planner did not say), which fails the target and, once metrics are pushed, the session.</li>
 *   <li>Pre/post hook containers set {@code Pre/PostBackupHookExecutionSucceeded} (restore: {@code …Restore…}).</li>
 *   <li>update-status (role UPDATE_STATUS) brings the host stats (upserted by hostname) and the repository result,
 *       whose actions become the session conditions {@code RetentionPolicyApplied},
 *       {@code RepositoryIntegrityVerified}, {@code RepositoryMetricsPushed} and {@code BackendRepositoryInitialized}.
 *       update-status ending without host stats counts as a failed host.</li>
 *   <li>A FAILED step or update-status container means its host failed: a host stat with phase Failed and the
 *       container's reason and message as error. Stash leaves such a session Running forever; Stashflow ends it
 *       (documented departure).</li>
 *   <li>When two outcomes speak about the same thing (retries, a re-created pod), the one with the highest attempt
 *       wins, then terminal over STARTED, then the later observation, then the larger outcome id.</li>
 *   <li>A retry of the session requested by the planner (a {@code SessionRequested} naming it in {@code retryOf},
 *       relayed as a RETRIED signal) sets {@code retried=true} and {@code nextRetry} = when the retry was requested,
 *       which is when it was due. The phase and duration stay as they were.</li>
 * </ul>
 */
public final class StatusProjector {

    /** Which of two outcomes about the same thing is authoritative (greater wins). */
    static final Comparator<StepOutcome> AUTHORITY = Comparator
            .comparingInt(StepOutcome::getAttempt)
            .thenComparingInt(o -> o.getState() == StepState.STARTED ? 0 : 1)
            .thenComparing(StepOutcome::getObservedAt)
            .thenComparing(StepOutcome::getOutcomeId);

    private static final List<String> PRE_BACKUP_ACTIONS = List.of(INITIALIZE_BACKEND_REPOSITORY);
    private static final List<String> POST_BACKUP_ACTIONS =
            List.of(APPLY_RETENTION_POLICY, VERIFY_REPOSITORY_INTEGRITY, SEND_REPOSITORY_METRICS);

    /** @param metricsEnabled false: no pusher runs, so a completed session is final at once (as Stash with metrics off) */
    public record Settings(boolean metricsEnabled) {
    }

    /**
     * The result of a projection.
     *
     * @param status          the session's status
     * @param completed       the session's work is over; only metrics (and history) remain
     * @param expectedTargets how many targets the session has, as far as the facts tell
     * @param repository      the Repository status change the session's update-status brought, if any
     */
    public record Projection(SessionStatus status, boolean completed, int expectedTargets,
                             Optional<RepositoryUpdate> repository) {
    }

    /** Repository status fields taken from one update-status result. */
    public record RepositoryUpdate(String cluster, String namespace, String name, String outcomeId, Boolean integrity,
                                   String totalSize, Long snapshotCount, Long snapshotsRemoved, Instant sessionCreatedAt,
                                   InvokerRef invoker, String invokerNamespace) {
    }

    private StatusProjector() {
    }

    public static Projection project(SessionFacts facts, Settings settings) {
        SessionKind kind = facts.key().getKind();
        boolean backup = kind == SessionKind.BACKUP;
        // times of the session's work; a later retry mark moves updatedAt but not what the work took
        Instant workedUntil = facts.latestFactTime();
        ReporterSignal retry = facts.retry();
        Instant updatedAt = retry != null && retry.getAt().isAfter(workedUntil) ? retry.getAt() : workedUntil;
        Instant createdAt = createdAt(facts);

        int expectedTargets = 1;
        TreeMap<Integer, List<StepOutcome>> byTarget = new TreeMap<>();
        for (StepOutcome o : facts.outcomes()) {
            byTarget.computeIfAbsent(o.getTarget().getIndex(), i -> new ArrayList<>()).add(o);
            expectedTargets = Math.max(expectedTargets, o.getTarget().getTotalTargets());
        }
        TreeMap<Integer, List<PlanRejected>> rejectedByTarget = new TreeMap<>();
        for (PlanRejected r : facts.rejections()) {
            if (r.getSkipped()) {
                // a skip is about the session (another one of the invoker runs), not a target that failed to start
                continue;
            }
            int index = r.getTargetIndex() == null ? 0 : r.getTargetIndex();
            rejectedByTarget.computeIfAbsent(index, i -> new ArrayList<>()).add(r);
            expectedTargets = Math.max(expectedTargets, index + 1);
        }
        java.util.SortedSet<Integer> indexes = new java.util.TreeSet<>(byTarget.keySet());
        indexes.addAll(rejectedByTarget.keySet());

        List<TargetStatus> targets = new ArrayList<>();
        for (int index : indexes) {
            targets.add(target(kind, index, expectedTargets, byTarget.getOrDefault(index, List.of()),
                    rejectedByTarget.getOrDefault(index, List.of())));
        }

        List<Condition> conditions = new ArrayList<>();
        Optional<StepOutcome> repositoryOutcome = backup ? repositoryOutcome(facts) : Optional.empty();
        repositoryOutcome.ifPresent(o -> {
            for (RepositoryAction action : o.getRepositoryResult().getActions()) {
                actionCondition(action, timeOf(o)).ifPresent(c -> conditions.add(c));
            }
        });
        // The planner skipped the session under Stash's concurrency rules: BackupSkipped=True makes it Skipped.
        facts.rejections().stream().filter(PlanRejected::getSkipped)
                .max(Comparator.comparing(PlanRejected::getRejectedAt))
                .ifPresent(r -> conditions.add(Conditions.of(ConditionTypes.BACKUP_SKIPPED, true,
                        ConditionTypes.SKIPPED_TAKING_NEW_BACKUP, r.getReason(), r.getRejectedAt())));
        List<Condition> withSignals = conditions;
        for (ReporterSignal signal : facts.signals()) {
            withSignals = Conditions.upsert(withSignals, signalCondition(signal));
        }
        List<Condition> sessionConditions = withSignals;

        boolean completed = PhaseCalculator.isCompleted(kind, sessionConditions, targets, expectedTargets);
        if (!settings.metricsEnabled() && completed && !Conditions.has(sessionConditions, METRICS_PUSHED)) {
            sessionConditions = Conditions.upsert(sessionConditions, Conditions.of(METRICS_PUSHED, true,
                    SUCCESSFULLY_PUSHED_METRICS, "Successfully pushed metrics.", workedUntil));
        }
        sessionConditions = Conditions.sorted(sessionConditions);

        String phase = PhaseCalculator.sessionPhase(kind, sessionConditions, targets, expectedTargets);
        String duration = null;
        if (facts.finalPhase() != null) {
            phase = facts.finalPhase();
            duration = facts.finalDuration();
        } else if (Phases.isFinal(phase)) {
            Duration elapsed = Duration.between(createdAt, workedUntil);
            duration = GoDuration.roundedToSeconds(elapsed.isNegative() ? Duration.ZERO : elapsed);
        }

        Instant deadline = facts.outcomes().stream().map(StepOutcome::getDeadline).filter(Objects::nonNull)
                .min(Instant::compareTo).orElse(null);

        SessionStatus status = SessionStatus.newBuilder()
                .setSessionKey(facts.key())
                .setInvoker(invoker(facts))
                .setPhase(phase)
                .setSessionDuration(duration)
                .setTotalHosts(backup || targets.isEmpty() ? null : targets.get(0).getTotalHosts())
                .setTargets(targets)
                .setConditions(sessionConditions)
                .setSessionDeadline(deadline)
                .setRetried(retry == null ? null : Boolean.TRUE)
                .setNextRetry(retry == null ? null : retry.getAt())
                .setCreatedAt(createdAt)
                .setUpdatedAt(updatedAt)
                .build();
        Optional<RepositoryUpdate> repository = repositoryOutcome.flatMap(o -> repositoryUpdate(facts, o, createdAt));
        return new Projection(status, completed, expectedTargets, repository);
    }

    /** The session's creation time: the request's, or the earliest fact when the request has not been seen. */
    static Instant createdAt(SessionFacts facts) {
        if (facts.request() != null) {
            return facts.request().getRequestedAt();
        }
        Instant earliest = null;
        for (StepOutcome o : facts.outcomes()) {
            Instant t = o.getStartedAt() != null && o.getStartedAt().isBefore(o.getObservedAt())
                    ? o.getStartedAt() : o.getObservedAt();
            earliest = earliest == null || t.isBefore(earliest) ? t : earliest;
        }
        for (PlanRejected r : facts.rejections()) {
            earliest = earliest == null || r.getRejectedAt().isBefore(earliest) ? r.getRejectedAt() : earliest;
        }
        return earliest == null ? facts.latestFactTime() : earliest;
    }

    private static InvokerRef invoker(SessionFacts facts) {
        if (facts.request() != null) {
            return facts.request().getInvoker();
        }
        Optional<InvokerRef> fromOutcome = facts.outcomes().stream().map(StepOutcome::getInvoker)
                .filter(Objects::nonNull).findFirst();
        if (fromOutcome.isPresent()) {
            return fromOutcome.get();
        }
        return facts.rejections().stream().map(PlanRejected::getInvoker).filter(Objects::nonNull).findFirst()
                .orElse(null);
    }

    private static TargetStatus target(SessionKind kind, int index, int expectedTargets, List<StepOutcome> outcomes,
                                       List<PlanRejected> rejections) {
        boolean backup = kind == SessionKind.BACKUP;
        TargetRef ref = outcomes.stream().min(Comparator.comparing(StepOutcome::getOutcomeId))
                .map(o -> o.getTarget().getRef())
                .orElseGet(() -> TargetRef.newBuilder().build());
        Integer totalHosts = outcomes.stream().map(StepOutcome::getTotalHosts).max(Integer::compareTo).orElse(null);

        List<Condition> conditions = new ArrayList<>();
        String ensured = backup ? BACKUP_EXECUTOR_ENSURED : RESTORE_EXECUTOR_ENSURED;
        Optional<PlanRejected> rejection = rejections.stream().max(Comparator.comparing(PlanRejected::getRejectedAt)
                .thenComparing(PlanRejected::getReason));
        if (rejection.isPresent()) {
            conditions.add(Conditions.of(ensured, false,
                    backup ? FAILED_TO_ENSURE_BACKUP_EXECUTOR : FAILED_TO_ENSURE_RESTORE_EXECUTOR,
                    "Failed to ensure " + (backup ? "backup" : "restore") + " executor. Reason: "
                            + rejection.get().getReason(),
                    rejection.get().getRejectedAt()));
            // a rejected target has no executor, whatever outcomes say
            totalHosts = outcomes.isEmpty() ? null : totalHosts;
        } else if (!outcomes.isEmpty()) {
            Instant first = outcomes.stream().map(StepOutcome::getObservedAt).min(Instant::compareTo).orElseThrow();
            conditions.add(Conditions.of(ensured, true,
                    backup ? SUCCESSFULLY_ENSURED_BACKUP_EXECUTOR : SUCCESSFULLY_ENSURED_RESTORE_EXECUTOR,
                    "Successfully ensured " + (backup ? "backup" : "restore") + " executor.", first));
        }
        disruption(kind, outcomes).ifPresent(conditions::add);
        hookCondition(kind, outcomes, StepRole.PRE_HOOK).ifPresent(conditions::add);
        hookCondition(kind, outcomes, StepRole.POST_HOOK).ifPresent(conditions::add);

        List<HostStats> stats = hostStats(outcomes);
        List<String> pre = backup && index == 0 && !outcomes.isEmpty() ? PRE_BACKUP_ACTIONS : List.of();
        List<String> post = backup && index == expectedTargets - 1 && !outcomes.isEmpty() ? POST_BACKUP_ACTIONS : List.of();

        TargetStatus target = TargetStatus.newBuilder()
                .setRef(ref)
                .setTotalHosts(totalHosts)
                .setPhase(Phases.PENDING)
                .setStats(stats)
                .setPreBackupActions(pre)
                .setPostBackupActions(post)
                .setConditions(Conditions.sorted(conditions))
                .build();
        target.setPhase(PhaseCalculator.targetPhase(kind, target));
        return target;
    }

    /**
     * A step or update-status container of the target's latest attempt failed: the pod is gone, so hosts that have
     * not reported never will. Stash's {@code BackupDisrupted=True} says exactly that and fails the target (restore:
     * Stashflow's {@code RestoreDisrupted}). Failures of earlier attempts do not count once a newer attempt exists.
     */
    private static Optional<Condition> disruption(SessionKind kind, List<StepOutcome> outcomes) {
        int latestAttempt = outcomes.stream().mapToInt(StepOutcome::getAttempt).max().orElse(0);
        return outcomes.stream()
                .filter(o -> o.getAttempt() == latestAttempt && o.getState() == StepState.FAILED
                        && (o.getRole() == StepRole.STEP || o.getRole() == StepRole.UPDATE_STATUS))
                .max(AUTHORITY)
                .map(o -> Conditions.of(kind == SessionKind.BACKUP ? BACKUP_DISRUPTED : RESTORE_DISRUPTED, true,
                        CONTAINER_FAILED, failureText(o), timeOf(o)));
    }

    private static Optional<Condition> hookCondition(SessionKind kind, List<StepOutcome> outcomes, StepRole role) {
        Optional<StepOutcome> authoritative = outcomes.stream()
                .filter(o -> o.getRole() == role && o.getState() != StepState.STARTED)
                .max(AUTHORITY);
        if (authoritative.isEmpty()) {
            return Optional.empty();
        }
        StepOutcome o = authoritative.get();
        boolean backup = kind == SessionKind.BACKUP;
        boolean pre = role == StepRole.PRE_HOOK;
        String hookName = (pre ? "pre" : "post") + (backup ? "Backup" : "Restore");
        String type = backup ? (pre ? PRE_BACKUP_HOOK_EXECUTION_SUCCEEDED : POST_BACKUP_HOOK_EXECUTION_SUCCEEDED)
                : (pre ? PRE_RESTORE_HOOK_EXECUTION_SUCCEEDED : POST_RESTORE_HOOK_EXECUTION_SUCCEEDED);
        if (o.getState() == StepState.SUCCEEDED) {
            String reason = backup ? (pre ? SUCCESSFULLY_EXECUTED_PRE_BACKUP_HOOK : SUCCESSFULLY_EXECUTED_POST_BACKUP_HOOK)
                    : (pre ? SUCCESSFULLY_EXECUTED_PRE_RESTORE_HOOK : SUCCESSFULLY_EXECUTED_POST_RESTORE_HOOK);
            return Optional.of(Conditions.of(type, true, reason, "Successfully executed " + hookName + " hook.", timeOf(o)));
        }
        String reason = backup ? (pre ? FAILED_TO_EXECUTE_PRE_BACKUP_HOOK : FAILED_TO_EXECUTE_POST_BACKUP_HOOK)
                : (pre ? FAILED_TO_EXECUTE_PRE_RESTORE_HOOK : FAILED_TO_EXECUTE_POST_RESTORE_HOOK);
        return Optional.of(Conditions.of(type, false, reason,
                "Failed to execute " + hookName + " hook. Reason: " + failureText(o), timeOf(o)));
    }

    /** One candidate host stat and how much it counts. */
    private record Candidate(StepOutcome source, int priority, HostStats stats) {
    }

    private static final Comparator<Candidate> CANDIDATE_ORDER = Comparator
            .comparingInt((Candidate c) -> c.source().getAttempt())
            .thenComparing(c -> c.source().getObservedAt())
            .thenComparingInt(Candidate::priority)
            .thenComparing(c -> c.source().getOutcomeId());

    private static List<HostStats> hostStats(List<StepOutcome> outcomes) {
        TreeMap<String, Candidate> best = new TreeMap<>();
        for (StepOutcome o : outcomes) {
            if (o.getState() == StepState.STARTED) {
                continue;
            }
            List<Candidate> candidates = new ArrayList<>();
            if (o.getRole() == StepRole.UPDATE_STATUS) {
                for (HostStats h : o.getHostStats()) {
                    candidates.add(new Candidate(o, 1, HostStats.newBuilder(h).build()));
                }
                if (o.getState() == StepState.SUCCEEDED && o.getHostStats().isEmpty()) {
                    candidates.add(new Candidate(o, 0, failedHost(o.getHost(),
                            o.getContainerName() + " finished without host stats (its output.json was missing or"
                                    + " empty), so the backup of this host cannot be confirmed")));
                } else if (o.getState() == StepState.FAILED) {
                    // a failed update-status outranks the stats it may have reported for its own host
                    candidates.add(new Candidate(o, 2, failedHost(o.getHost(), failureText(o))));
                }
            } else if (o.getRole() == StepRole.STEP && o.getState() == StepState.FAILED) {
                candidates.add(new Candidate(o, 2, failedHost(o.getHost(), failureText(o))));
            } else if (o.getRole() == StepRole.STEP && Boolean.TRUE.equals(o.getMainContainer())) {
                // the main container of a Task without update-status reports its host itself (see the executor's
                // StepOutcomes): without this the session would wait for stats that never come. An init step's
                // output.json (e.g. restore-pvc's) is left to update-status, which runs after it, as in Stash.
                for (HostStats h : o.getHostStats()) {
                    candidates.add(new Candidate(o, 1, HostStats.newBuilder(h).build()));
                }
            }
            for (Candidate c : candidates) {
                Candidate held = best.get(c.stats().getHostname());
                if (held == null || CANDIDATE_ORDER.compare(c, held) > 0) {
                    best.put(c.stats().getHostname(), c);
                }
            }
        }
        return best.values().stream().map(Candidate::stats).toList();
    }

    private static HostStats failedHost(String hostname, String error) {
        return HostStats.newBuilder()
                .setHostname(hostname)
                .setPhase(Phases.FAILED)
                .setDuration(null)
                .setError(error)
                .setSnapshots(List.of())
                .build();
    }

    /** "container X exited with code 2 (Error): message" and similar, for host errors and hook conditions. */
    static String failureText(StepOutcome o) {
        StringBuilder text = new StringBuilder("container ").append(o.getContainerName());
        if (o.getExitCode() != null) {
            text.append(" exited with code ").append(o.getExitCode());
        } else {
            text.append(" failed");
        }
        if (o.getReason() != null && !o.getReason().isBlank()) {
            text.append(" (").append(o.getReason()).append(')');
        }
        if (o.getMessage() != null && !o.getMessage().isBlank()) {
            text.append(": ").append(o.getMessage().strip());
        }
        return text.toString();
    }

    private static Instant timeOf(StepOutcome o) {
        return o.getFinishedAt() != null ? o.getFinishedAt() : o.getObservedAt();
    }

    /** The update-status outcome whose repository result counts: the authoritative terminal one that has a result. */
    private static Optional<StepOutcome> repositoryOutcome(SessionFacts facts) {
        return facts.outcomes().stream()
                .filter(o -> o.getRole() == StepRole.UPDATE_STATUS && o.getState() != StepState.STARTED
                        && o.getRepositoryResult() != null)
                .max(AUTHORITY);
    }

    private static final Map<String, String[]> ACTIONS = Map.of(
            APPLY_RETENTION_POLICY, new String[] {RETENTION_POLICY_APPLIED,
                SUCCESSFULLY_APPLIED_RETENTION_POLICY, "Successfully applied retention policy.",
                FAILED_TO_APPLY_RETENTION_POLICY, "Failed to apply retention policy. Reason: "},
            VERIFY_REPOSITORY_INTEGRITY, new String[] {REPOSITORY_INTEGRITY_VERIFIED,
                SUCCESSFULLY_VERIFIED_REPOSITORY_INTEGRITY, "Repository integrity verification succeeded.",
                FAILED_TO_VERIFY_REPOSITORY_INTEGRITY, "Repository integrity verification failed. Reason: "},
            SEND_REPOSITORY_METRICS, new String[] {REPOSITORY_METRICS_PUSHED,
                SUCCESSFULLY_PUSHED_REPOSITORY_METRICS, "Successfully pushed repository metrics.",
                FAILED_TO_PUSH_REPOSITORY_METRICS, "Failed to push repository metrics. Reason: "},
            INITIALIZE_BACKEND_REPOSITORY, new String[] {BACKEND_REPOSITORY_INITIALIZED,
                BACKEND_REPOSITORY_FOUND, "Repository exist in the backend.",
                FAILED_TO_INITIALIZE_BACKEND_REPOSITORY, "Failed to initialize backend repository. Reason: "});

    /** The session condition a post-backup action result sets, with Stash's reason and message. */
    static Optional<Condition> actionCondition(RepositoryAction action, Instant at) {
        String[] spec = ACTIONS.get(action.getName());
        if (spec == null) {
            return Optional.empty();
        }
        if (action.getSucceeded()) {
            return Optional.of(Conditions.of(spec[0], true, spec[1], spec[2], at));
        }
        String why = action.getMessage() == null || action.getMessage().isBlank() ? "unknown" : action.getMessage();
        return Optional.of(Conditions.of(spec[0], false, spec[3], spec[4] + why, at));
    }

    static Condition signalCondition(ReporterSignal signal) {
        return Condition.newBuilder()
                .setType(signal.getConditionType())
                .setStatus(signal.getConditionStatus() == null ? TRUE : signal.getConditionStatus())
                .setReason(signal.getReason())
                .setMessage(signal.getMessage())
                .setLastTransitionTime(signal.getAt())
                .setObservedGeneration(null)
                .build();
    }

    private static Optional<RepositoryUpdate> repositoryUpdate(SessionFacts facts, StepOutcome o, Instant createdAt) {
        RepositoryResult result = o.getRepositoryResult();
        String repository = o.getRepositoryName();
        // Stash updates the Repository only when the integrity check produced a result
        if (result.getIntegrity() == null || repository == null || repository.isBlank()) {
            return Optional.empty();
        }
        String namespace = facts.key().getNamespace();
        String name = repository;
        int slash = repository.indexOf('/');
        if (slash >= 0) {
            namespace = repository.substring(0, slash);
            name = repository.substring(slash + 1);
        }
        return Optional.of(new RepositoryUpdate(facts.key().getCluster(), namespace, name, o.getOutcomeId(),
                result.getIntegrity(), result.getTotalSize(), result.getSnapshotCount(), result.getSnapshotsRemoved(),
                createdAt, invoker(facts), facts.key().getNamespace()));
    }
}
