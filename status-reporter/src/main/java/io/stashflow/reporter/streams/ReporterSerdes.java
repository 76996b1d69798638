package io.stashflow.reporter.streams;

import io.stashflow.api.registry.SchemaRegistry;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.events.Definition;
import io.stashflow.events.PlanRejected;
import io.stashflow.events.Rejected;
import io.stashflow.events.RepositoryStatus;
import io.stashflow.events.SessionRequested;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.StepOutcome;
import io.stashflow.reporter.events.MetricFamilyState;
import io.stashflow.reporter.events.MetricsPushRequest;
import io.stashflow.reporter.events.ReporterSignal;
import org.apache.kafka.common.serialization.Serde;

/** The Confluent-framed Avro serdes of every record the reporter reads or writes, over one schema registry. */
public final class ReporterSerdes {

    public final Serde<SessionRequested> sessionRequested;
    public final Serde<StepOutcome> stepOutcome;
    public final Serde<PlanRejected> planRejected;
    public final Serde<SessionStatus> sessionStatus;
    public final Serde<RepositoryStatus> repositoryStatus;
    public final Serde<Definition> definition;
    public final Serde<Rejected> rejected;
    public final Serde<ReporterSignal> signal;
    public final Serde<MetricsPushRequest> pushRequest;
    public final Serde<MetricFamilyState> familyState;

    public ReporterSerdes(SchemaRegistry registry) {
        this.sessionRequested = ConfluentAvroSerde.forValues(registry, SessionRequested.class);
        this.stepOutcome = ConfluentAvroSerde.forValues(registry, StepOutcome.class);
        this.planRejected = ConfluentAvroSerde.forValues(registry, PlanRejected.class);
        this.sessionStatus = ConfluentAvroSerde.forValues(registry, SessionStatus.class);
        this.repositoryStatus = ConfluentAvroSerde.forValues(registry, RepositoryStatus.class);
        this.definition = ConfluentAvroSerde.forValues(registry, Definition.class);
        this.rejected = ConfluentAvroSerde.forValues(registry, Rejected.class);
        this.signal = ConfluentAvroSerde.forValues(registry, ReporterSignal.class);
        this.pushRequest = ConfluentAvroSerde.forValues(registry, MetricsPushRequest.class);
        this.familyState = ConfluentAvroSerde.forValues(registry, MetricFamilyState.class);
    }
}
