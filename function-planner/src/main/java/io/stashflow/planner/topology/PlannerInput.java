package io.stashflow.planner.topology;

import io.stashflow.events.SessionRequested;

/** What the namespace processor receives: a session request or a status digest (exactly one is set). */
record PlannerInput(SessionRequested request, StatusDigest status) {

    static PlannerInput of(SessionRequested request) {
        return new PlannerInput(request, null);
    }

    static PlannerInput of(StatusDigest status) {
        return new PlannerInput(null, status);
    }
}
