package io.stashflow.reporter.core;

import io.stashflow.events.Condition;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides which unfinished sessions the sweeper ends, and with which condition:
 *
 * <ul>
 *   <li>past {@code sessionDeadline}: {@code DeadlineExceeded=True}, reason {@code FailedToCompleteWithinDeadline},
 *       message "Failed to complete backup within &lt;timeOut&gt;." as Stash writes it (the timeOut is the deadline
 *       minus the creation time). Like Stash, this does not kill anything; it completes the session, which then
 *       ends Failed once its metrics are pushed.</li>
 *   <li>started (at least one outcome) but no outcome for longer than the configured silence:
 *       {@code AgentSilent=True} (Stashflow's own condition, reason {@code AgentStoppedReporting}), which fails the
 *       session the same way. Stash has no counterpart: its operator would keep the session Running.</li>
 * </ul>
 */
public final class SweepPolicy {

    private SweepPolicy() {
    }

    /** The conditions to add to a session now; empty when it is fine (or already final or complete). */
    public static List<Condition> conditionsToAdd(SessionStatus status, boolean completed, Optional<Instant> lastOutcomeAt,
                                                  Instant now, Duration agentSilence) {
        List<Condition> add = new ArrayList<>();
        if (Phases.isFinal(status.getPhase()) || completed) {
            return add;
        }
        boolean backup = status.getSessionKey().getKind() == SessionKind.BACKUP;
        Instant deadline = status.getSessionDeadline();
        if (deadline != null && now.isAfter(deadline)
                && !Conditions.has(status.getConditions(), ConditionTypes.DEADLINE_EXCEEDED)) {
            Instant created = status.getCreatedAt() == null ? deadline : status.getCreatedAt();
            Duration timeOut = Duration.between(created, deadline);
            add.add(Conditions.of(ConditionTypes.DEADLINE_EXCEEDED, true, ConditionTypes.FAILED_TO_COMPLETE_WITHIN_DEADLINE,
                    "Failed to complete " + (backup ? "backup" : "restore") + " within "
                            + GoDuration.roundedToSeconds(timeOut.isNegative() ? Duration.ZERO : timeOut) + ".", now));
        }
        if (agentSilence != null && !agentSilence.isZero() && lastOutcomeAt.isPresent()
                && Duration.between(lastOutcomeAt.get(), now).compareTo(agentSilence) > 0
                && !Conditions.has(status.getConditions(), ConditionTypes.AGENT_SILENT)) {
            add.add(Conditions.of(ConditionTypes.AGENT_SILENT, true, ConditionTypes.AGENT_STOPPED_REPORTING,
                    "No step outcome from cluster " + status.getSessionKey().getCluster() + " since "
                            + lastOutcomeAt.get() + " (longer than " + GoDuration.roundedToSeconds(agentSilence)
                            + "): its agent stopped reporting, so the session is ended. Check the executor of that"
                            + " cluster; the pod may still be running.", now));
        }
        return add;
    }
}
