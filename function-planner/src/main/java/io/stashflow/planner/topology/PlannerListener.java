package io.stashflow.planner.topology;

import java.time.Duration;

/**
 * What the planner topologies report as they work, for metrics. Called on stream threads; implementations must be
 * thread-safe and fast. Under exactly-once a record may be processed again after an aborted transaction, so counts
 * are at-least-once (the events themselves are exactly-once).
 */
public interface PlannerListener {

    /** A session request arrived for a served cluster. */
    default void requested(String cluster) {
    }

    /** A request for a session the planner already has (delivered twice, or two triggers in one second). */
    default void duplicate(String cluster) {
    }

    /** A request or status that the planner does not act on, and why ({@code cluster-not-served}, ...). */
    default void ignored(String cluster, String reason) {
    }

    /** One target's pod was planned, {@code sinceRequested} after the session's requestedAt. */
    default void planned(String cluster, Duration sinceRequested) {
    }

    /** A session could not be resolved; {@code reason} is the resolver's reason code. */
    default void rejected(String cluster, String reason) {
    }

    /** A session was skipped under the concurrency rules. */
    default void skipped(String cluster) {
    }

    /** A session had to wait (pending) when first evaluated. */
    default void pending(String cluster) {
    }

    /**
     * How a backup session's plans were made: {@code hit} (from the plan cache), {@code miss} (resolved, and cached
     * when possible), {@code not-reusable} (resolved: the invoker's plans use the session name in a way that cannot
     * be substituted) or {@code plain} (resolved: a restore, or a name the cache does not take).
     */
    default void planCache(String cluster, String outcome) {
    }

    /** A retry session was requested. */
    default void retried(String cluster) {
    }

    /** The scheduler fired a tick ({@code dropped} earlier ticks were not fired: missed while down, or paused). */
    default void scheduled(String cluster, long dropped) {
    }

    /** The scheduler found a schedule it cannot use. */
    default void scheduleInvalid(String cluster) {
    }

    static PlannerListener none() {
        return new PlannerListener() {
        };
    }
}
