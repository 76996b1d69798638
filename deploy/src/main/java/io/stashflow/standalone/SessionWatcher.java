package io.stashflow.standalone;

import io.stashflow.api.registry.SchemaRegistry;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.Condition;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.StepOutcome;
import io.stashflow.planner.lifecycle.SessionPhases;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows sessions the way any Kafka client of Stashflow would: it reads the committed step outcomes and session
 * status from their topics (no group, from the end of the topics when it was opened) and reports what changes until
 * a session reaches one of Stash's final phases.
 */
public final class SessionWatcher implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final ConfluentAvroSerde<SessionStatus> statusSerde;
    private final ConfluentAvroSerde<StepOutcome> outcomeSerde;
    private final Topics topics;
    private final Map<String, String> lastStepState = new HashMap<>();

    public SessionWatcher(String bootstrapServers, SchemaRegistry registry, Topics topics) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "stashflow-demo-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "stashflow-session-watcher");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.statusSerde = ConfluentAvroSerde.forValues(registry, SessionStatus.class);
        this.outcomeSerde = ConfluentAvroSerde.forValues(registry, StepOutcome.class);
        this.topics = topics;
        consumer.subscribe(List.of(topics.sessionStatus(), topics.stepOutcomes()));
        // join the group and take the end offsets now, so that nothing produced after this constructor is missed
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (consumer.assignment().isEmpty() && System.nanoTime() < until) {
            consumer.poll(Duration.ofMillis(100));
        }
        consumer.assignment().forEach(tp -> consumer.position(tp));
    }

    /**
     * Waits until the session {@code namespace/name} of the standalone cluster is final.
     *
     * @param progress one human line per step state and per session phase change
     * @return the final status, or empty when the timeout passed first
     */
    public Optional<SessionStatus> awaitFinal(String cluster, String namespace, String name, Duration timeout,
                                              Consumer<String> progress) {
        String key = RecordKeys.of(cluster, namespace, name);
        long until = System.nanoTime() + timeout.toNanos();
        String lastPhase = null;
        SessionStatus done = null;
        while (done == null && System.nanoTime() < until) {
            // the whole batch is reported even after the final status, so the last step's line is not lost
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.value() == null || !key.equals(record.key())) {
                    continue;
                }
                if (record.topic().equals(topics.stepOutcomes())) {
                    StepOutcome outcome = outcomeSerde.deserializer().deserialize(record.topic(), record.value());
                    String step = outcome.getContainerName();
                    String state = outcome.getState().name();
                    if (!state.equals(lastStepState.put(key + "/" + step, state))) {
                        progress.accept("  step " + step + " " + state.toLowerCase(java.util.Locale.ROOT)
                                + duration(outcome.getStartedAt(), outcome.getFinishedAt())
                                + (outcome.getReason() != null && !"SUCCEEDED".equals(state)
                                ? " (" + outcome.getReason() + ")" : ""));
                    }
                } else {
                    SessionStatus status = statusSerde.deserializer().deserialize(record.topic(), record.value());
                    if (!status.getPhase().equals(lastPhase)) {
                        lastPhase = status.getPhase();
                        progress.accept("  session " + namespace + "/" + name + " " + lastPhase
                                + (status.getSessionDuration() != null ? " in " + status.getSessionDuration() : ""));
                    }
                    if (SessionPhases.isFinal(status.getPhase())) {
                        done = status;
                    }
                }
            }
        }
        return Optional.ofNullable(done);
    }

    /** The conditions of a final status that explain a failure, one line each. */
    public static List<String> explain(SessionStatus status) {
        List<String> lines = new java.util.ArrayList<>();
        for (Condition c : status.getConditions()) {
            if ("False".equals(c.getStatus())) {
                lines.add(c.getType() + "=False " + (c.getReason() == null ? "" : c.getReason())
                        + (c.getMessage() == null ? "" : ": " + c.getMessage()));
            }
        }
        status.getTargets().forEach(t -> t.getConditions().forEach(c -> {
            if ("False".equals(c.getStatus())) {
                lines.add(t.getRef().getKind() + "/" + t.getRef().getName() + " " + c.getType() + "=False "
                        + (c.getReason() == null ? "" : c.getReason())
                        + (c.getMessage() == null ? "" : ": " + c.getMessage()));
            }
        }));
        return lines;
    }

    private static String duration(Instant started, Instant finished) {
        if (started == null || finished == null) {
            return "";
        }
        return " in " + Duration.between(started, finished).toMillis() / 1000.0 + "s";
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
