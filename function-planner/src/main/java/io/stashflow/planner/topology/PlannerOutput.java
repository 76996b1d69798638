package io.stashflow.planner.topology;

import io.stashflow.events.PlanRejected;
import io.stashflow.events.SessionRequested;
import io.stashflow.planner.lifecycle.TrackedSession;

/**
 * What the session planner emits, with the topic it goes to (exactly one of plan, rejection, request and fact is
 * set); one sink writes them all ({@link #serializer}). Plans arrive encoded ({@code JobPlanned} as the topic carries
 * it), because the processor writes most of them from encoded templates. A fact may be a tombstone ({@code isFact}
 * with a null {@code fact}).
 */
record PlannerOutput(String topic, byte[] plan, PlanRejected rejection, SessionRequested request, boolean isFact,
                     TrackedSession fact) {

    static PlannerOutput plan(String topic, byte[] encodedPlan) {
        return new PlannerOutput(topic, encodedPlan, null, null, false, null);
    }

    static PlannerOutput rejection(String topic, PlanRejected rejection) {
        return new PlannerOutput(topic, null, rejection, null, false, null);
    }

    static PlannerOutput request(String topic, SessionRequested request) {
        return new PlannerOutput(topic, null, null, request, false, null);
    }

    /** @param fact the session as the task holds it, or null: it no longer holds it back or runs it */
    static PlannerOutput fact(String topic, TrackedSession fact) {
        return new PlannerOutput(topic, null, null, null, true, fact);
    }

    /** Writes each output as its topic carries it: the plan's bytes, Avro events, the fact's binary form. */
    static org.apache.kafka.common.serialization.Serializer<PlannerOutput> serializer(PlannerSerdes serdes) {
        return (topic, out) -> {
            if (out == null) {
                return null;
            }
            if (out.plan() != null) {
                return out.plan();
            }
            if (out.rejection() != null) {
                return serdes.planRejected.serialize(topic, out.rejection());
            }
            if (out.request() != null) {
                return serdes.sessionRequested.serialize(topic, out.request());
            }
            return out.fact() == null ? null : serdes.trackedSession.serialize(topic, out.fact());
        };
    }
}
