package io.stashflow.executor.agent;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.events.StepOutcome;
import io.stashflow.executor.outcome.StepOutcomes;
import io.stashflow.executor.runtime.RunEnded;
import io.stashflow.executor.runtime.RunListener;
import io.stashflow.executor.runtime.StepEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what the runtime observes as {@link StepOutcome} events, keyed {@code cluster/namespace/session}, with
 * CloudEvents headers whose {@code ce_id} is the outcome id (a repeated observation is the same event).
 *
 * <p>When a run has ended and every outcome of it is acknowledged by the broker, {@code onDurable} is told, and the
 * agent releases the run (the runtime may then clean up the pod). When a send fails, the run is not released; the
 * failure is counted and the agent reports itself unhealthy, so it is restarted and the runtime reports the run again.
 */
public final class OutcomePublisher implements RunListener {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomePublisher.class);

    private final Producer<String, StepOutcome> producer;
    private final String topic;
    private final String source;
    private final Clock clock;
    private final Consumer<RunEnded> onEnded;
    private final Consumer<String> onDurable;
    private final Map<String, List<CompletableFuture<Void>>> pending = new HashMap<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    /**
     * @param onEnded   told at once when a run ends (to free its concurrency slot)
     * @param onDurable told with the plan id once the run's outcomes are all acknowledged
     */
    public OutcomePublisher(Producer<String, StepOutcome> producer, String topic, String source, Clock clock,
                            Consumer<RunEnded> onEnded, Consumer<String> onDurable) {
        this.producer = producer;
        this.topic = topic;
        this.source = source;
        this.clock = clock;
        this.onEnded = onEnded;
        this.onDurable = onDurable;
    }

    @Override
    public void onStep(StepEvent event) {
        StepOutcome outcome = StepOutcomes.of(event, clock.instant());
        String key = event.identity().recordKey();
        ProducerRecord<String, StepOutcome> record = new ProducerRecord<>(topic, key, outcome);
        CloudEventHeaders.write(record.headers(), new CloudEventHeaders.Attributes(outcome.getOutcomeId(), source,
                EventTypes.of(StepOutcome.class), clock.instant(), key, CloudEventHeaders.AVRO_CONTENT_TYPE));
        CompletableFuture<Void> acked = new CompletableFuture<>();
        synchronized (pending) {
            pending.computeIfAbsent(event.identity().planId(), p -> new ArrayList<>()).add(acked);
        }
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    published.incrementAndGet();
                    acked.complete(null);
                } else {
                    failures.incrementAndGet();
                    acked.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            acked.completeExceptionally(e);
        }
        LOG.info("step {} of {} {}{}", event.step().containerName(), event.runName(), event.state(),
                event.reason() == null ? "" : " (" + event.reason() + ")");
    }

    @Override
    public void onRunEnded(RunEnded ended) {
        onEnded.accept(ended);
        List<CompletableFuture<Void>> futures;
        synchronized (pending) {
            futures = pending.remove(ended.identity().planId());
        }
        if (futures == null) {
            futures = List.of();
        }
        String planId = ended.identity().planId();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> {
            if (error == null) {
                onDurable.accept(planId);
            } else {
                LOG.error("outcomes of plan {} could not be written to {}; its run is kept and reported again when"
                        + " the agent restarts", planId, topic, error);
            }
        });
    }

    public long published() {
        return published.get();
    }

    public long failures() {
        return failures.get();
    }
}
