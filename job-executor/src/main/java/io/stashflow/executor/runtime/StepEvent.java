package io.stashflow.executor.runtime;

import io.stashflow.events.StepState;
import io.stashflow.executor.plan.PlanIdentity;
import io.stashflow.executor.plan.PlanStep;
import java.time.Instant;
import java.util.Objects;

/**
 * A step (container) of a run changed state. A runtime reports each state of a container at most once per run it
 * observes; after a restart it may report them again, with the same identity, so consumers can drop duplicates.
 *
 * @param identity   the plan the run belongs to
 * @param runName    the pod name (or the local run's name, which is the same)
 * @param runUid     the pod uid (or the local run id)
 * @param step       which container
 * @param state      STARTED, SUCCEEDED or FAILED
 * @param exitCode   the exit code when the container terminated
 * @param reason     a short reason: Completed, Error, OOMKilled, Evicted, DeadlineExceeded, PodDeleted, ...
 * @param message    the termination message, or what went wrong
 * @param startedAt  when the container started, when known
 * @param finishedAt when it finished, when known
 * @param output     what the step reported (host stats, repository result)
 */
public record StepEvent(PlanIdentity identity, String runName, String runUid, PlanStep step, StepState state,
                        Integer exitCode, String reason, String message, Instant startedAt, Instant finishedAt,
                        StepOutput output) {

    public StepEvent {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(state, "state");
        output = output == null ? StepOutput.NONE : output;
    }

    public boolean terminal() {
        return state != StepState.STARTED;
    }
}
