package io.stashflow.api.cloudevents;

import io.stashflow.events.Definition;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.PlanRejected;
import io.stashflow.events.Rejected;
import io.stashflow.events.RepositoryStatus;
import io.stashflow.events.SessionRequested;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.StepOutcome;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** The CloudEvents {@code type} of every event Stashflow produces: reverse-DNS, versioned with the schema's major. */
public final class EventTypes {

    private static final Map<Class<? extends SpecificRecord>, String> TYPES = Map.of(
            SessionRequested.class, "io.stashflow.session.requested.v1",
            Definition.class, "io.stashflow.definition.v1",
            JobPlanned.class, "io.stashflow.job.planned.v1",
            PlanRejected.class, "io.stashflow.plan.rejected.v1",
            StepOutcome.class, "io.stashflow.step.outcome.v1",
            SessionStatus.class, "io.stashflow.session.status.v1",
            RepositoryStatus.class, "io.stashflow.repository.status.v1",
            Rejected.class, "io.stashflow.rejected.v1");

    private EventTypes() {
    }

    public static String of(Class<? extends SpecificRecord> eventClass) {
        String type = TYPES.get(eventClass);
        if (type == null) {
            throw new IllegalArgumentException(eventClass.getName() + " is not a Stashflow event type");
        }
        return type;
    }

    /** The CloudEvents {@code source} of a service: {@code /stashflow/<service>/<cluster>}. */
    public static String source(String service, String cluster) {
        return "/stashflow/" + service + "/" + cluster;
    }
}
