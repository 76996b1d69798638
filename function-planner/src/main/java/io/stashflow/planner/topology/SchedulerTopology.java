package io.stashflow.planner.topology;

import io.stashflow.api.topics.Topics;
import io.stashflow.events.Rejected;
import io.stashflow.events.SessionRequested;
import io.stashflow.planner.schedule.ScheduleJitter;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The scheduler's Kafka Streams topology (run with {@code exactly_once_v2}, as its own application next to the
 * planner's, because the planner reads {@code stash.definitions} into a global store and Kafka Streams does not let
 * one application read a topic both globally and partitioned):
 *
 * <pre>
 *   stash.definitions (partitioned) ──► schedule processor (store planner-schedules, wall-clock punctuator)
 *                                          ├─► SessionRequested ──► stash.sessions
 *                                          └─► Rejected         ──► stash.rejected  (unusable schedules)
 * </pre>
 *
 * The task that owns a definition's partition owns its schedule: that is what keeps two instances from firing the
 * same tick.
 */
public final class SchedulerTopology {

    public static final String SCHEDULES_STORE = "planner-schedules";

    /**
     * @param clusters      the clusters whose invokers are scheduled
     * @param zone          the zone cron fields are evaluated in
     * @param jitter        the per-invoker spread of ticks
     * @param checkInterval how often due ticks are looked for (their precision)
     * @param eventSource   CloudEvents source of the events produced
     */
    public record Settings(Topics topics, Set<String> clusters, ZoneId zone, ScheduleJitter jitter,
                           Duration checkInterval, String eventSource) {
        public Settings {
            Objects.requireNonNull(topics, "topics");
            clusters = Set.copyOf(clusters);
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(jitter, "jitter");
            Objects.requireNonNull(checkInterval, "checkInterval");
            Objects.requireNonNull(eventSource, "eventSource");
        }
    }

    private SchedulerTopology() {
    }

    public static Topology build(Settings settings, PlannerSerdes serdes, PlannerListener listener) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SCHEDULES_STORE),
                Serdes.String(), serdes.scheduleEntry));
        builder.stream(settings.topics().definitions(),
                        Consumed.with(Serdes.String(), serdes.definition).withName("definitions"))
                .process(() -> new ScheduleProcessor(settings, listener), Named.as("scheduler"), SCHEDULES_STORE)
                .split(Named.as("scheduled-"))
                .branch((key, out) -> out.request() != null, Branched.withConsumer(requests -> requests
                        .mapValues(SchedulerOutput::request, Named.as("request-value"))
                        .to(settings.topics().sessions(), Produced.<String, SessionRequested>with(Serdes.String(),
                                serdes.sessionRequested).withName("sessions")), "requests"))
                .branch((key, out) -> out.rejected() != null, Branched.withConsumer(rejections -> rejections
                        .mapValues(SchedulerOutput::rejected, Named.as("rejected-value"))
                        .to(settings.topics().rejected(), Produced.<String, Rejected>with(Serdes.String(),
                                serdes.rejected).withName("rejected")), "rejected"))
                .noDefaultBranch();
        return builder.build();
    }
}
