package io.stashflow.executor.agent;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.events.StepOutcome;
import io.stashflow.executor.outcome.StepOutcomes;
import io.stashflow.executor.runtime.RunEnded;
import io.stashflow.executor.runtime.RunListener;
import io.stashflow.executor.runtime.StepEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what the runtime observes as {@link StepOutcome} events, keyed {@code cluster/namespace/session}, with
 * CloudEvents headers whose {@code ce_id} is the outcome id (a repeated observation is the same event).
 *
 * <p>The runtime's threads only hand an outcome over; a sender thread of its own gives it to the producer. So a broker
 * that cannot be reached (the producer then blocks in {@code send} for up to {@code max.block.ms} waiting for
 * metadata) never holds up a run: its next step starts, its deadline is kept. A send that fails with a retriable error
 * (the broker away longer than the producer's own timeouts) is tried again every {@code retryDelay} until it is
 * acknowledged or the publisher closes; the reporter keeps its facts order-independent, so a later delivery is fine.
 *
 * <p>When a run has ended and every outcome of it is acknowledged by the broker, {@code onDurable} is told, and the
 * agent releases the run (the runtime may then clean up the pod). When a send fails for good (not retriable, or still
 * pending when the publisher closes), the run is not released; a failure is counted and the agent reports itself
 * unhealthy, so it is restarted and the runtime reports the run again.
 */
public final class OutcomePublisher implements RunListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomePublisher.class);
    /** How long a retriable send failure waits before the next attempt. */
    public static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private final Producer<String, StepOutcome> producer;
    private final String topic;
    private final String source;
    private final Clock clock;
    private final Consumer<RunEnded> onEnded;
    private final Consumer<String> onDurable;
    private final Duration retryDelay;
    private final ScheduledThreadPoolExecutor sender;
    private final Map<String, List<CompletableFuture<Void>>> pending = new HashMap<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param onEnded   told at once when a run ends (to free its concurrency slot)
     * @param onDurable told with the plan id once the run's outcomes are all acknowledged
     */
    public OutcomePublisher(Producer<String, StepOutcome> producer, String topic, String source, Clock clock,
                            Consumer<RunEnded> onEnded, Consumer<String> onDurable) {
        this(producer, topic, source, clock, onEnded, onDurable, RETRY_DELAY);
    }

    OutcomePublisher(Producer<String, StepOutcome> producer, String topic, String source, Clock clock,
                     Consumer<RunEnded> onEnded, Consumer<String> onDurable, Duration retryDelay) {
        this.producer = producer;
        this.topic = topic;
        this.source = source;
        this.clock = clock;
        this.onEnded = onEnded;
        this.onDurable = onDurable;
        this.retryDelay = retryDelay;
        this.sender = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "outcome-publisher");
            t.setDaemon(true);
            return t;
        });
        // what still waits for a retry at close is not sent: the run stays unreported and is reported after a restart
        sender.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
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
            sender.execute(() -> send(record, acked));
        } catch (RejectedExecutionException e) {
            fail(acked, new IllegalStateException("the outcome publisher is closed", e));
        }
        LOG.info("step {} of {} {}{}", event.step().containerName(), event.runName(), event.state(),
                event.reason() == null ? "" : " (" + event.reason() + ")");
    }

    /** Hands the record to the producer (on the sender thread); retriable failures come back here later. */
    private void send(ProducerRecord<String, StepOutcome> record, CompletableFuture<Void> acked) {
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    published.incrementAndGet();
                    acked.complete(null);
                } else {
                    retryOrFail(record, acked, error);
                }
            });
        } catch (RuntimeException e) {
            retryOrFail(record, acked, e);
        }
    }

    private void retryOrFail(ProducerRecord<String, StepOutcome> record, CompletableFuture<Void> acked,
                             Throwable error) {
        if (!(error instanceof RetriableException) || closed) {
            fail(acked, error);
            return;
        }
        if (retries.incrementAndGet() % 60 == 1) {
            LOG.warn("step outcomes cannot be written to {} yet ({}); trying again every {}", topic, error.toString(),
                    retryDelay);
        }
        try {
            sender.schedule(() -> send(record, acked), retryDelay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            fail(acked, error);
        }
    }

    private void fail(CompletableFuture<Void> acked, Throwable error) {
        failures.incrementAndGet();
        acked.completeExceptionally(error);
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

    /** Sends that failed with a retriable error and were tried again. */
    public long retries() {
        return retries.get();
    }

    /**
     * Stops taking outcomes: what was handed over is given to the producer (within {@code timeout}), what waits for a
     * retry is dropped (its run stays unreported). Close the producer afterwards, so that it flushes.
     */
    public void close(Duration timeout) {
        closed = true;
        sender.shutdown();
        try {
            if (!sender.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                sender.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sender.shutdownNow();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
