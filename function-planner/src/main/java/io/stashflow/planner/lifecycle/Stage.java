package io.stashflow.planner.lifecycle;

/** How far the planner got with a session. Whether the session is over is the reporter's word, not a stage. */
public enum Stage {
    /** Requested; no target planned yet (waiting for a rule or for its definitions). */
    PENDING,
    /** At least one target's pod was planned ({@code JobPlanned} written). */
    PLANNED,
    /** Skipped under Stash's concurrency rules ({@code PlanRejected} with {@code skipped=true}). */
    SKIPPED,
    /** Could not be resolved ({@code PlanRejected}); the reporter fails it. */
    REJECTED,
    /** Known only from {@code stash.session-status}: requested before this planner's state existed, or elsewhere. */
    OBSERVED
}
