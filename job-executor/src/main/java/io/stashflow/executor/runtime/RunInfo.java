package io.stashflow.executor.runtime;

import io.stashflow.executor.plan.PlanIdentity;

/**
 * A run the runtime holds: running, or ended but not yet released.
 *
 * @param ended whether the run has ended (its outcomes may not be durable yet)
 */
public record RunInfo(PlanIdentity identity, String runName, String runUid, boolean ended) {
}
