package io.stashflow.planner.topology;

import io.stashflow.events.PlanRejected;
import io.stashflow.events.SessionRequested;

/**
 * What the namespace processor emits (exactly one of plan, rejection and request is set); the topology routes each
 * to its topic. Plans arrive encoded ({@code JobPlanned} as {@code planTopic} carries it), because the processor
 * writes most of them from encoded templates.
 */
record PlannerOutput(String planTopic, byte[] plan, PlanRejected rejection, SessionRequested request) {

    static PlannerOutput of(String planTopic, byte[] encodedPlan) {
        return new PlannerOutput(planTopic, encodedPlan, null, null);
    }

    static PlannerOutput of(PlanRejected rejection) {
        return new PlannerOutput(null, null, rejection, null);
    }

    static PlannerOutput of(SessionRequested request) {
        return new PlannerOutput(null, null, null, request);
    }
}
