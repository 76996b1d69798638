package io.stashflow.planner.lifecycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the planner keeps about one session: what was requested, how far the planner got ({@link Stage}), and
 * what the reporter last said about it. Immutable; each change returns a copy. Stored in the planner's state store
 * in the compact binary form of {@code TrackedSessionSerde} (times as epoch milliseconds); JSON written by older
 * planners is still read.
 *
 * @param requestedAtMillis when it was requested (its creation time); null when known only from a status
 * @param reporterPhase     the session phase from {@code stash.session-status}; null until reported
 * @param reportedAtMillis  {@code updatedAt} of the status that brought {@code reporterPhase}
 * @param waitingFor        why targets are still unplanned (the pending reason); null otherwise
 * @param retried           whether the planner issued the retry of this (failed) session
 * @param retryDueMillis    when the retry is due; set once, when the session is first seen Failed with retries left
 */
public record TrackedSession(
        String name,
        SessionType type,
        String invokerKind,
        String invokerName,
        Long requestedAtMillis,
        int retryLeft,
        String retryOf,
        Map<String, String> labels,
        Stage stage,
        List<TargetSlot> targets,
        String waitingFor,
        String reporterPhase,
        Long reportedAtMillis,
        boolean retried,
        Long retryDueMillis) {

    public TrackedSession {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(stage, "stage");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    /** A session just requested. */
    public static TrackedSession requested(String name, SessionType type, String invokerKind, String invokerName,
                                           Instant requestedAt, int retryLeft, String retryOf,
                                           Map<String, String> labels) {
        return new TrackedSession(name, type, invokerKind, invokerName, requestedAt.toEpochMilli(), retryLeft, retryOf,
                labels, Stage.PENDING, List.of(), null, null, null, false, null);
    }

    /** A session this planner learns about only from a status record. */
    public static TrackedSession observed(String name, SessionType type, String invokerKind, String invokerName,
                                          List<TargetSlot> targets) {
        return new TrackedSession(name, type, invokerKind, invokerName, null, 0, null, Map.of(), Stage.OBSERVED,
                targets, null, null, null, false, null);
    }

    public Instant requestedAt() {
        return requestedAtMillis == null ? null : Instant.ofEpochMilli(requestedAtMillis);
    }

    /** The reporter says the session is over. */
    public boolean ended() {
        return SessionPhases.isFinal(reporterPhase);
    }

    /** Whether some targets are still to be planned (and the session can still run). */
    public boolean waiting() {
        if (ended() || stage != Stage.PENDING && stage != Stage.PLANNED) {
            return false;
        }
        if (targets.isEmpty()) {
            return true;
        }
        for (TargetSlot target : targets) {
            if (!target.planned()) {
                return true;
            }
        }
        return false;
    }

    /** Whether any target's pod was planned. */
    public boolean anyPlanned() {
        for (TargetSlot target : targets) {
            if (target.planned()) {
                return true;
            }
        }
        return false;
    }

    /** Stash's "incomplete": requested and not over, whether waiting or running. */
    public boolean incomplete() {
        if (ended()) {
            return false;
        }
        return switch (stage) {
            case PENDING, PLANNED -> true;
            case OBSERVED -> reporterPhase == null || SessionPhases.PENDING.equals(reporterPhase)
                    || SessionPhases.RUNNING.equals(reporterPhase);
            case SKIPPED, REJECTED -> false;
        };
    }

    public boolean sameInvoker(String kind, String invokerNameToMatch) {
        return Objects.equals(invokerKind, kind) && Objects.equals(invokerName, invokerNameToMatch);
    }

    public TrackedSession withStage(Stage newStage) {
        return new TrackedSession(name, type, invokerKind, invokerName, requestedAtMillis, retryLeft, retryOf, labels,
                newStage, targets, waitingFor, reporterPhase, reportedAtMillis, retried, retryDueMillis);
    }

    public TrackedSession withTargets(List<TargetSlot> newTargets) {
        return new TrackedSession(name, type, invokerKind, invokerName, requestedAtMillis, retryLeft, retryOf, labels,
                stage, newTargets, waitingFor, reporterPhase, reportedAtMillis, retried, retryDueMillis);
    }

    public TrackedSession withWaitingFor(String reason) {
        return new TrackedSession(name, type, invokerKind, invokerName, requestedAtMillis, retryLeft, retryOf, labels,
                stage, targets, reason, reporterPhase, reportedAtMillis, retried, retryDueMillis);
    }

    public TrackedSession withReport(String phase, Instant reportedAt) {
        return new TrackedSession(name, type, invokerKind, invokerName, requestedAtMillis, retryLeft, retryOf, labels,
                stage, targets, waitingFor, phase, reportedAt == null ? null : reportedAt.toEpochMilli(), retried,
                retryDueMillis);
    }

    public TrackedSession withRetryDue(Instant due) {
        return new TrackedSession(name, type, invokerKind, invokerName, requestedAtMillis, retryLeft, retryOf, labels,
                stage, targets, waitingFor, reporterPhase, reportedAtMillis, retried,
                due == null ? null : due.toEpochMilli());
    }

    public TrackedSession asRetried() {
        return new TrackedSession(name, type, invokerKind, invokerName, requestedAtMillis, retryLeft, retryOf, labels,
                stage, targets, waitingFor, reporterPhase, reportedAtMillis, true, retryDueMillis);
    }

    /** Marks the given target indexes planned. */
    public TrackedSession withPlanned(List<Integer> indexes) {
        List<TargetSlot> updated = new ArrayList<>();
        for (TargetSlot slot : targets) {
            updated.add(indexes.contains(slot.index()) ? slot.asPlanned() : slot);
        }
        return withTargets(updated).withStage(Stage.PLANNED);
    }

    /** Applies the per-target phases of a status (targets matched by ref). */
    public TrackedSession withTargetPhases(Map<TargetKey, String> phases) {
        if (phases.isEmpty()) {
            return this;
        }
        List<TargetSlot> updated = new ArrayList<>();
        for (TargetSlot slot : targets) {
            String phase = phases.get(slot.ref());
            updated.add(phase == null ? slot : slot.withPhase(phase));
        }
        return withTargets(updated);
    }
}
