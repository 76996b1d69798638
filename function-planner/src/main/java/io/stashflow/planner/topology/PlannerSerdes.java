package io.stashflow.planner.topology;

import io.stashflow.api.registry.SchemaRegistry;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.events.Definition;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.PlanRejected;
import io.stashflow.events.Rejected;
import io.stashflow.events.SessionRequested;
import io.stashflow.events.SessionStatus;

/** The serdes of the planner's topics and stores, all on one schema registry. */
public final class PlannerSerdes {

    final ConfluentAvroSerde<SessionRequested> sessionRequested;
    final ConfluentAvroSerde<SessionStatus> sessionStatus;
    final ConfluentAvroSerde<Definition> definition;
    final ConfluentAvroSerde<JobPlanned> jobPlanned;
    final ConfluentAvroSerde<PlanRejected> planRejected;
    final ConfluentAvroSerde<Rejected> rejected;
    final TrackedSessionSerde trackedSession = new TrackedSessionSerde();
    final JsonSerde<ScheduleEntry> scheduleEntry = new JsonSerde<>(ScheduleEntry.class);

    public PlannerSerdes(SchemaRegistry registry) {
        this.sessionRequested = ConfluentAvroSerde.forValues(registry, SessionRequested.class);
        this.sessionStatus = ConfluentAvroSerde.forValues(registry, SessionStatus.class);
        this.definition = ConfluentAvroSerde.forValues(registry, Definition.class);
        this.jobPlanned = ConfluentAvroSerde.forValues(registry, JobPlanned.class);
        this.planRejected = ConfluentAvroSerde.forValues(registry, PlanRejected.class);
        this.rejected = ConfluentAvroSerde.forValues(registry, Rejected.class);
    }

    public ConfluentAvroSerde<SessionRequested> sessionRequested() {
        return sessionRequested;
    }

    public ConfluentAvroSerde<SessionStatus> sessionStatus() {
        return sessionStatus;
    }

    public ConfluentAvroSerde<Definition> definition() {
        return definition;
    }

    public ConfluentAvroSerde<JobPlanned> jobPlanned() {
        return jobPlanned;
    }

    public ConfluentAvroSerde<PlanRejected> planRejected() {
        return planRejected;
    }

    public ConfluentAvroSerde<Rejected> rejected() {
        return rejected;
    }
}
