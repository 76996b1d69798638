package io.stashflow.executor.kubernetes;

import io.stashflow.executor.plan.PlanStep;
import java.time.Instant;
import java.util.List;

/**
 * What a pod's status means for its steps, as {@link PodStatusInterpreter} reads it.
 *
 * @param containers one view per step, in execution order
 * @param failure    a failure of the pod as a whole (evicted, deleted, stuck, past its deadline), or {@code null}
 */
public record PodView(List<ContainerView> containers, PodFailure failure) {

    public PodView {
        containers = List.copyOf(containers);
    }

    public enum Phase {
        NOT_STARTED, WAITING, RUNNING, SUCCEEDED, FAILED
    }

    /** One container's state. Exit code, reason and message are set once it terminated. */
    public record ContainerView(PlanStep step, Phase phase, Integer exitCode, String reason, String message,
                                Instant startedAt, Instant finishedAt) {

        public boolean started() {
            return phase == Phase.RUNNING || phase == Phase.SUCCEEDED || phase == Phase.FAILED;
        }

        public boolean terminated() {
            return phase == Phase.SUCCEEDED || phase == Phase.FAILED;
        }
    }

    /**
     * The pod failed as a whole; {@code step} is the container that was current (the first one not succeeded).
     *
     * @param deletePod whether the pod should be deleted because it would otherwise sit there (Pending, Running)
     */
    public record PodFailure(PlanStep step, String reason, String message, boolean deletePod) {
    }

    /** Every container succeeded. */
    public boolean succeeded() {
        return failure == null && !containers.isEmpty()
                && containers.stream().allMatch(c -> c.phase() == Phase.SUCCEEDED);
    }

    /** The first container that terminated with a failure, if any. */
    public ContainerView failedContainer() {
        return containers.stream().filter(c -> c.phase() == Phase.FAILED).findFirst().orElse(null);
    }

    /** Nothing more will happen to this pod's steps. */
    public boolean ended() {
        return failure != null || succeeded() || failedContainer() != null;
    }
}
