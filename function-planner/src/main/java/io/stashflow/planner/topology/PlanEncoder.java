package io.stashflow.planner.topology;

import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.api.serde.ConfluentWireFormat;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.JobPlanned;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Encodes {@code JobPlanned} events as the jobs topic of their cluster carries them (Confluent framing, the schema
 * registered under {@code <jobs topic>-value}). The session planner encodes its plans itself, so that a plan
 * from the plan cache can be written from an {@link EncodedPlanTemplate} without building the event.
 */
final class PlanEncoder {

    private final ConfluentAvroSerde<JobPlanned> serde;
    private final Topics topics;
    private final java.util.Map<String, String> topicsByCluster = new java.util.concurrent.ConcurrentHashMap<>();

    PlanEncoder(ConfluentAvroSerde<JobPlanned> serde, Topics topics) {
        this.serde = serde;
        this.topics = topics;
    }

    /** The topic a cluster's plans go to. */
    String topic(String cluster) {
        return topicsByCluster.computeIfAbsent(cluster, topics::jobs);
    }

    byte[] encode(JobPlanned plan) {
        return serde.serialize(topic(plan.getSessionKey().getCluster()), plan);
    }

    /**
     * The template of a stand-in session's event.
     *
     * @param framedExample an encoded event for the same topic, whose framing (the schema id) the template takes
     * @see EncodedPlanTemplate#recorder
     */
    EncodedPlanTemplate template(JobPlanned standInPlan, byte[] framedExample, String standIn, String podNameMarker,
                                 long plannedAtMillis, Long deadlineMillis) {
        byte[] header = Arrays.copyOf(framedExample, ConfluentWireFormat.HEADER_SIZE);
        EncodedPlanTemplate.Recorder recorder = EncodedPlanTemplate.recorder(header, standIn, podNameMarker,
                plannedAtMillis, deadlineMillis);
        try {
            serde.writeBody(standInPlan, recorder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return recorder.template();
    }
}
