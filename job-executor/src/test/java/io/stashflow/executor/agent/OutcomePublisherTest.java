package io.stashflow.executor.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.StepOutcome;
import io.stashflow.events.StepRole;
import io.stashflow.events.StepState;
import io.stashflow.executor.plan.PlanIdentity;
import io.stashflow.executor.plan.PlanStep;
import io.stashflow.executor.runtime.RunEnded;
import io.stashflow.executor.runtime.StepEvent;
import io.stashflow.executor.testing.TestPlans;
import io.stashflow.executor.testing.TestPlans.Step;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The publisher between the runtime and Kafka: a broker that cannot be reached must neither hold up the runtime's
 * threads nor lose an outcome that a later attempt can still deliver.
 */
class OutcomePublisherTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final JobPlanned plan = TestPlans.plan("publish").step(Step.ok("update-status")
            .role(StepRole.UPDATE_STATUS)).build();
    private final List<String> durable = new CopyOnWriteArrayList<>();
    private OutcomePublisher publisher;

    @AfterEach
    void close() {
        if (publisher != null) {
            publisher.close();
        }
    }

    private OutcomePublisher publisher(MockProducer<String, StepOutcome> producer) {
        publisher = new OutcomePublisher(producer, "stash.step-outcomes", "/test", Clock.systemUTC(), ended -> { },
                durable::add, Duration.ofMillis(20));
        return publisher;
    }

    private static MockProducer<String, StepOutcome> producer() {
        return new MockProducer<>(false, null, new StringSerializer(),
                ConfluentAvroSerde.forValues(EmbeddedSchemaRegistry.inMemory(), StepOutcome.class));
    }

    private StepEvent succeeded() {
        PlanIdentity identity = PlanIdentity.of(plan, 1);
        return new StepEvent(identity, plan.getPod().getName(), "uid", PlanStep.of(plan.getPod()).get(0),
                StepState.SUCCEEDED, 0, "Completed", null, null, Clock.systemUTC().instant(), null);
    }

    private RunEnded ended() {
        return new RunEnded(PlanIdentity.of(plan, 1), plan.getPod().getName(), "uid", true, "Completed");
    }

    @Test
    void aSendThatBlocksDoesNotHoldUpTheRuntime() throws Exception {
        CountDownLatch brokerBack = new CountDownLatch(1);
        MockProducer<String, StepOutcome> blocking = new MockProducer<>(true, null, new StringSerializer(),
                ConfluentAvroSerde.forValues(EmbeddedSchemaRegistry.inMemory(), StepOutcome.class)) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<String, StepOutcome> record,
                                                            Callback callback) {
                try {
                    brokerBack.await(); // what KafkaProducer does for max.block.ms without metadata
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.send(record, callback);
            }
        };
        OutcomePublisher p = publisher(blocking);
        Thread runtimeThread = new Thread(() -> {
            p.onStep(succeeded());
            p.onRunEnded(ended());
        });
        runtimeThread.start();
        runtimeThread.join(WAIT.toMillis());
        assertFalse(runtimeThread.isAlive(), "the runtime's thread went on while the send waited");
        assertTrue(durable.isEmpty(), "not durable before the broker acknowledged it");

        brokerBack.countDown();
        await(() -> durable.contains(plan.getPlanId()));
        assertEquals(1, p.published());
        assertEquals(0, p.failures());
    }

    @Test
    void aRetriableFailureIsTriedAgainUntilTheOutcomeIsAcknowledged() throws Exception {
        MockProducer<String, StepOutcome> producer = producer();
        OutcomePublisher p = publisher(producer);
        p.onStep(succeeded());
        p.onRunEnded(ended());
        await(() -> producer.history().size() == 1);
        assertTrue(producer.errorNext(new TimeoutException("Topic stash.step-outcomes not present in metadata")));
        await(() -> producer.history().size() == 2);
        assertTrue(producer.completeNext());

        await(() -> durable.contains(plan.getPlanId()));
        assertEquals(0, p.failures(), "a retriable failure is not a lost outcome");
        assertEquals(1, p.retries());
        assertEquals(producer.history().get(0).value().getOutcomeId(), producer.history().get(1).value().getOutcomeId(),
                "the same outcome, sent again");
    }

    @Test
    void aFailureThatCannotPassIsCountedAndTheRunIsNotReleased() throws Exception {
        MockProducer<String, StepOutcome> producer = producer();
        OutcomePublisher p = publisher(producer);
        p.onStep(succeeded());
        p.onRunEnded(ended());
        await(() -> producer.history().size() == 1);
        assertTrue(producer.errorNext(new RecordTooLargeException("too large")));

        await(() -> p.failures() == 1);
        assertEquals(0, p.retries(), "not tried again");
        assertEquals(1, producer.history().size());
        assertTrue(durable.isEmpty(), "the run stays unreported, to be reported again after a restart");
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out after " + WAIT);
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }
}
