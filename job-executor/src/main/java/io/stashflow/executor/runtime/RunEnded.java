package io.stashflow.executor.runtime;

import io.stashflow.executor.plan.PlanIdentity;

/**
 * A run reached its end: every step event of it has been reported before this one. The run stays in flight until the
 * caller {@linkplain JobRuntime#release releases} it, which it does once the outcomes are durable.
 *
 * @param succeeded whether every container succeeded
 * @param reason    the reason of the failure ({@code Completed} on success)
 */
public record RunEnded(PlanIdentity identity, String runName, String runUid, boolean succeeded, String reason) {
}
