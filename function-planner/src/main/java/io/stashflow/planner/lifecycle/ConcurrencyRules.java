package io.stashflow.planner.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Stash's rules for when a backup session may start (semantics notes 6.2, 6.3), as a pure function of the session,
 * the other sessions of its namespace and its invoker. Stash lists sessions in the invoker's namespace for both
 * checks, so the namespace's sessions are all the rules ever need.
 *
 * <p>In order:
 * <ol>
 *   <li><b>Skip</b> (only before any target was planned): the invoker is paused; or another session of the same
 *       invoker is {@code Running}. Running means what {@code stash.session-status} says: skipping drops the session
 *       for good, so the planner waits for the reporter's word rather than guessing from its own plans.</li>
 *   <li><b>Pending</b>, per target not yet planned:
 *     <ul>
 *       <li>BackupBatch with {@code executionOrder: Sequential}: until every earlier member's target completed
 *           (Succeeded or Failed);</li>
 *       <li>a target that other invokers back up too: while another invoker's incomplete session for the same
 *           target exists that is running, or older (equal creation times: the smaller name goes first). Here a
 *           session the planner has planned counts as running even before the reporter says so: waiting is
 *           harmless, two backups of one target at once are not. A session younger than two seconds that finds no
 *           rival still waits, so that sessions created in the same moment can see each other (Stash does the
 *           same).</li>
 *     </ul></li>
 *   <li>Every other unplanned target is released: its pod is planned now.</li>
 * </ol>
 * Messages are Stash's, so users recognise them.
 */
public final class ConcurrencyRules {

    /** Stash's grace for sessions of a target with several invokers, so that concurrent sessions meet. */
    public static final Duration CONCURRENT_SESSION_GRACE = Duration.ofSeconds(2);

    private ConcurrencyRules() {
    }

    /**
     * A decision: skip the session, or release some targets and keep the rest pending.
     *
     * @param skipReason    set when the session is skipped (then nothing is released)
     * @param skipFieldPath the invoker field behind a skip ({@code spec.paused}), or null
     * @param release       target indexes to plan now
     * @param waitReason    why the other unplanned targets wait; null when none wait
     */
    public record Decision(String skipReason, String skipFieldPath, List<Integer> release, String waitReason) {
        public Decision {
            release = List.copyOf(release);
        }

        public boolean skipped() {
            return skipReason != null;
        }

        static Decision skip(String reason, String fieldPath) {
            return new Decision(reason, fieldPath, List.of(), null);
        }
    }

    /**
     * @param candidate a backup session with its target slots filled in from {@code invoker}
     * @param others    the other sessions of the namespace (the candidate may be among them; it is ignored)
     */
    public static Decision decide(TrackedSession candidate, Collection<TrackedSession> others, InvokerView invoker,
                                  Instant now) {
        if (!candidate.anyPlanned()) {
            if (invoker.paused()) {
                return Decision.skip("Skipped taking backup. Reason: " + invoker.describe() + " is paused.",
                        "spec.paused");
            }
            Optional<TrackedSession> running = others.isEmpty() ? Optional.empty() : others.stream()
                    .filter(s -> !s.name().equals(candidate.name()))
                    .filter(s -> s.sameInvoker(candidate.invokerKind(), candidate.invokerName()))
                    .filter(s -> SessionPhases.RUNNING.equals(s.reporterPhase()))
                    .min(Comparator.comparing(TrackedSession::name));
            if (running.isPresent()) {
                return Decision.skip("Skipped taking new backup. Reason: Previous BackupSession: "
                        + running.get().name() + " is \"" + SessionPhases.RUNNING + "\".", null);
            }
        }
        List<Integer> release = new ArrayList<>();
        String waitReason = null;
        for (TargetSlot slot : candidate.targets()) {
            if (slot.planned()) {
                continue;
            }
            String reason = pendingReason(candidate, slot, others, invoker, now);
            if (reason == null) {
                release.add(slot.index());
            } else if (waitReason == null) {
                waitReason = reason;
            }
        }
        return new Decision(null, null, release, waitReason);
    }

    private static String pendingReason(TrackedSession candidate, TargetSlot slot, Collection<TrackedSession> others,
                                        InvokerView invoker, Instant now) {
        if (invoker.sequential()) {
            for (TargetSlot earlier : candidate.targets()) {
                if (earlier.index() < slot.index() && !earlier.complete()) {
                    return "Backup order is sequential and some previous targets hasn't completed their backup"
                            + " process.";
                }
            }
        }
        if (!invoker.sharedTargets().contains(slot.ref())) {
            return null;
        }
        Optional<TrackedSession> rival = others.stream()
                .filter(s -> !s.name().equals(candidate.name()))
                .filter(s -> !s.sameInvoker(candidate.invokerKind(), candidate.invokerName()))
                .filter(TrackedSession::incomplete)
                .filter(s -> s.targets().stream().anyMatch(t -> t.ref().equals(slot.ref())))
                // Stash sorts running sessions first, then by name
                .min(Comparator.comparing((TrackedSession s) -> runningForRivalry(s) ? 0 : 1)
                        .thenComparing(TrackedSession::name));
        if (rival.isEmpty()) {
            Instant requestedAt = candidate.requestedAt();
            if (requestedAt != null && Duration.between(requestedAt, now).compareTo(CONCURRENT_SESSION_GRACE) < 0) {
                return "Multiple backup invoker found. Will be processed in the next requeue to handle concurrent"
                        + " session.";
            }
            return null;
        }
        TrackedSession other = rival.get();
        if (shouldKeepPending(candidate, other)) {
            return "Found another incomplete BackupSession " + invoker.namespace() + "/" + other.name()
                    + " invoked by " + other.invokerKind() + "/" + other.invokerName();
        }
        return null;
    }

    /** Whether a rival session is under way: reported Running, or planned by this planner. */
    private static boolean runningForRivalry(TrackedSession s) {
        return SessionPhases.RUNNING.equals(s.reporterPhase()) || s.anyPlanned();
    }

    /** Stash's {@code shouldKeepCurrentSessionPending}. */
    static boolean shouldKeepPending(TrackedSession current, TrackedSession other) {
        if (runningForRivalry(other)) {
            return true;
        }
        Instant mine = current.requestedAt();
        Instant theirs = other.requestedAt();
        if (mine == null || theirs == null) {
            return theirs == null;
        }
        if (mine.equals(theirs)) {
            return other.name().compareTo(current.name()) < 0;
        }
        return mine.isAfter(theirs);
    }
}
