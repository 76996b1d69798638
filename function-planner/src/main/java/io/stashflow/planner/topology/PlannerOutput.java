package io.stashflow.planner.topology;

import io.stashflow.events.PlanRejected;
import io.stashflow.events.SessionRequested;
import io.stashflow.planner.lifecycle.TrackedSession;

/**
 * What the session planner emits (exactly one of plan, rejection, request and fact is set); the topology routes
 * each to its topic. Plans arrive encoded ({@code JobPlanned} as {@code planTopic} carries it), because the processor
 * writes most of them from encoded templates. A fact may be a tombstone ({@code isFact} with a null {@code fact}).
 */
record PlannerOutput(String planTopic, byte[] plan, PlanRejected rejection, SessionRequested request, boolean isFact,
                     TrackedSession fact) {

    static PlannerOutput of(String planTopic, byte[] encodedPlan) {
        return new PlannerOutput(planTopic, encodedPlan, null, null, false, null);
    }

    static PlannerOutput of(PlanRejected rejection) {
        return new PlannerOutput(null, null, rejection, null, false, null);
    }

    static PlannerOutput of(SessionRequested request) {
        return new PlannerOutput(null, null, null, request, false, null);
    }

    /** @param fact the session as the task holds it, or null: it no longer holds it back or runs it */
    static PlannerOutput fact(TrackedSession fact) {
        return new PlannerOutput(null, null, null, null, true, fact);
    }
}
