package io.stashflow.executor.kubernetes;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a pod may stay stuck before its session is failed. A pod that cannot pull its image or be scheduled
 * would otherwise keep its session Running forever (Stash issue #1056 and friends).
 *
 * @param imagePull       a container waiting in {@code ErrImagePull}/{@code ImagePullBackOff}
 * @param containerConfig a container waiting in {@code CreateContainerConfigError} (missing Secret, ...) or
 *                        {@code CreateContainerError}/{@code RunContainerError}
 * @param unschedulable   the pod's {@code PodScheduled} condition is False with reason {@code Unschedulable}
 * @param nodeLost        the pod's phase is {@code Unknown} (its node stopped reporting)
 */
public record PodFailureThresholds(Duration imagePull, Duration containerConfig, Duration unschedulable,
                                   Duration nodeLost) {

    public PodFailureThresholds {
        Objects.requireNonNull(imagePull, "imagePull");
        Objects.requireNonNull(containerConfig, "containerConfig");
        Objects.requireNonNull(unschedulable, "unschedulable");
        Objects.requireNonNull(nodeLost, "nodeLost");
    }

    public static PodFailureThresholds defaults() {
        return new PodFailureThresholds(Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(10),
                Duration.ofMinutes(5));
    }

    public static PodFailureThresholds all(Duration d) {
        return new PodFailureThresholds(d, d, d, d);
    }
}
