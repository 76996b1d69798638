package io.stashflow.executor.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.StepOutcome;
import io.stashflow.events.StepRole;
import io.stashflow.executor.limits.JobScheduler;
import io.stashflow.executor.plan.PlanIdentity;
import io.stashflow.executor.runtime.JobRuntime;
import io.stashflow.executor.runtime.LaunchResult;
import io.stashflow.executor.runtime.RunInfo;
import io.stashflow.executor.runtime.RunListener;
import io.stashflow.executor.testing.TestPlans;
import io.stashflow.executor.testing.TestPlans.Step;
import io.stashflow.service.metrics.ServiceMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A plan delivered again after a restart whose run has already ended (reported again at start, not yet released) is
 * adopted; no end notice follows for it, so the agent must not keep its concurrency slot. With one job per invoker,
 * a kept slot would hold every later session of that invoker forever.
 */
class JobAgentAdoptionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void adoptingARunThatAlreadyEndedFreesItsSlot() throws Exception {
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.inMemory();
        Topics topics = Topics.withDefaultPrefix();
        TopicPartition partition = new TopicPartition(topics.jobs(TestPlans.CLUSTER), 0);
        ConfluentAvroSerde<JobPlanned> serde = ConfluentAvroSerde.forValues(registry, JobPlanned.class);
        JobPlanned ended = TestPlans.plan("adopt-ended").invoker("inv")
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS)).build();
        JobPlanned next = TestPlans.plan("adopt-next").invoker("inv")
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS)).build();
        RestartedRuntime runtime = new RestartedRuntime(ended);

        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(partition));
            consumer.updateBeginningOffsets(Map.of(partition, 0L));
        });
        MockProducer<String, StepOutcome> outcomes = new MockProducer<>(true, null, new StringSerializer(),
                ConfluentAvroSerde.forValues(registry, StepOutcome.class));
        JobAgent agent = new JobAgent(AgentSettings.defaults(TestPlans.CLUSTER, topics)
                .limitedBy(new JobScheduler.Limits(0, 0, 1, 0, 1)), consumer, serde, r -> {
                    throw new AssertionError("nothing is rejected here: " + r.getError());
                }, outcomes, runtime, Clock.systemUTC(), new ServiceMetrics("test_"), "/test");
        agent.start();
        try {
            awaitTrue(() -> !consumer.assignment().isEmpty());
            consumer.addRecord(record(partition, 0, ended, serde));
            awaitTrue(() -> runtime.launched.contains(ended.getPlanId()));
            consumer.addRecord(record(partition, 1, next, serde));

            awaitTrue(() -> runtime.launched.contains(next.getPlanId()));
            assertEquals(List.of(ended.getPlanId(), next.getPlanId()), runtime.launched);
            assertTrue(agent.waiting().isEmpty(), "nothing waits: " + agent.waiting());
        } finally {
            agent.close();
        }
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition partition, long offset, JobPlanned plan,
                                                         ConfluentAvroSerde<JobPlanned> serde) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset,
                RecordKeys.of(plan.getSessionKey()).getBytes(StandardCharsets.UTF_8),
                serde.serialize(partition.topic(), plan));
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out after " + WAIT);
            }
            Thread.sleep(10);
        }
    }

    /**
     * A runtime as it is right after a restart: it holds the ended, not yet released run of {@code recovered} (whose
     * end it reported at start); launching that plan adopts it, any other plan creates a run that keeps running.
     */
    private static final class RestartedRuntime implements JobRuntime {
        final List<String> launched = new CopyOnWriteArrayList<>();
        private final Map<String, RunInfo> runs = new ConcurrentHashMap<>();

        RestartedRuntime(JobPlanned recovered) {
            runs.put(recovered.getPlanId(), new RunInfo(PlanIdentity.of(recovered, 1), recovered.getPod().getName(),
                    "uid-1", true));
        }

        @Override
        public String kind() {
            return "restarted";
        }

        @Override
        public void start(RunListener listener) {
        }

        @Override
        public LaunchResult launch(JobPlanned plan) {
            launched.add(plan.getPlanId());
            RunInfo known = runs.get(plan.getPlanId());
            if (known != null) {
                return new LaunchResult(LaunchResult.Outcome.ADOPTED, known.runName(), known.runUid());
            }
            runs.put(plan.getPlanId(), new RunInfo(PlanIdentity.of(plan, 1), plan.getPod().getName(), "uid-2", false));
            return new LaunchResult(LaunchResult.Outcome.CREATED, plan.getPod().getName(), "uid-2");
        }

        @Override
        public void cancel(String planId, String message) {
        }

        @Override
        public List<RunInfo> inFlight() {
            return List.copyOf(runs.values());
        }

        @Override
        public void release(String planId) {
        }

        @Override
        public void close() {
        }
    }
}
