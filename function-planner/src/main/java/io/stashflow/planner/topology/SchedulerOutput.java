package io.stashflow.planner.topology;

import io.stashflow.events.Rejected;
import io.stashflow.events.SessionRequested;

/** What the scheduler emits (exactly one is set). */
record SchedulerOutput(SessionRequested request, Rejected rejected) {
}
