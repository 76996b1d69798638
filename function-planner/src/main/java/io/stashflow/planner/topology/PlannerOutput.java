package io.stashflow.planner.topology;

import io.stashflow.events.JobPlanned;
import io.stashflow.events.PlanRejected;
import io.stashflow.events.SessionRequested;

/** What the namespace processor emits (exactly one is set); the topology routes each to its topic. */
record PlannerOutput(JobPlanned plan, PlanRejected rejection, SessionRequested request) {

    static PlannerOutput of(JobPlanned plan) {
        return new PlannerOutput(plan, null, null);
    }

    static PlannerOutput of(PlanRejected rejection) {
        return new PlannerOutput(null, rejection, null);
    }

    static PlannerOutput of(SessionRequested request) {
        return new PlannerOutput(null, null, request);
    }
}
