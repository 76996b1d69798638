package io.stashflow.executor.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stashflow.executor.testing.PatientClient;
import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.rejected.KafkaRejectedSink;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.Rejected;
import io.stashflow.events.StepOutcome;
import io.stashflow.events.StepRole;
import io.stashflow.events.StepState;
import io.stashflow.executor.kubernetes.KubernetesJobRuntime;
import io.stashflow.executor.kubernetes.KubernetesRuntimeSettings;
import io.stashflow.executor.kubernetes.PodFactory;
import io.stashflow.executor.limits.JobScheduler;
import io.stashflow.executor.runtime.JobRuntime;
import io.stashflow.executor.runtime.LaunchException;
import io.stashflow.executor.runtime.LaunchResult;
import io.stashflow.executor.runtime.RunInfo;
import io.stashflow.executor.runtime.RunListener;
import io.stashflow.executor.testing.FakeKubelet;
import io.stashflow.executor.testing.MockApiServer;
import io.stashflow.executor.testing.TestPlans;
import io.stashflow.executor.testing.TestPlans.Step;
import io.stashflow.service.metrics.ServiceMetrics;
import io.stashflow.testsupport.KafkaTestCluster;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The agent end to end: embedded Kafka broker, mock API server, fake kubelet. */
@Tag("integration")
class JobAgentIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger N = new AtomicInteger();

    static MockApiServer api;
    static KubernetesClient client;
    static FakeKubelet kubelet;
    static KafkaTestCluster kafka;
    static EmbeddedSchemaRegistry registry;

    Topics topics;
    String cluster;
    String group;
    final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void startAll() {
        kafka = KafkaTestCluster.shared();
        registry = EmbeddedSchemaRegistry.inMemory();
        api = MockApiServer.start(new PatientClient());
        client = api.client();
        kubelet = new FakeKubelet(client).start();
    }

    @AfterAll
    static void stopAll() {
        try {
            kubelet.close();
        } finally {
            api.close();
        }
    }

    @BeforeEach
    void topics() {
        topics = new Topics(KafkaTestCluster.uniqueName("agent"));
        cluster = "a" + N.incrementAndGet();
        group = KafkaTestCluster.uniqueName("executor");
        kafka.createTopic(topics.jobs(cluster), 2, Map.of());
        kafka.createTopics(1, topics.stepOutcomes(), topics.rejected());
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    /** An agent with its own clients; closed after the test. */
    private JobAgent agent(JobRuntime runtime, JobScheduler.Limits limits) {
        String bootstrap = kafka.bootstrapServers();
        KafkaConsumer<byte[], byte[]> consumer = AgentKafkaClients.planConsumer(bootstrap, group,
                Map.of("max.poll.interval.ms", "30000", "session.timeout.ms", "10000"));
        KafkaProducer<String, StepOutcome> outcomes = AgentKafkaClients.outcomeProducer(bootstrap, registry, group,
                Map.of());
        KafkaProducer<String, Rejected> rejectedProducer = AgentKafkaClients.rejectedProducer(bootstrap, registry, group,
                Map.of());
        String source = EventTypes.source("executor", cluster);
        JobAgent agent = new JobAgent(AgentSettings.defaults(cluster, topics).limitedBy(limits)
                .withLaunchRetryDelay(Duration.ofMillis(300)), consumer,
                ConfluentAvroSerde.forValues(registry, JobPlanned.class),
                new KafkaRejectedSink(rejectedProducer, topics.rejected(), source, Duration.ofSeconds(10)), outcomes,
                runtime, Clock.systemUTC(), new ServiceMetrics("stashflow_executor_"), source);
        closeables.add(outcomes);
        closeables.add(rejectedProducer);
        closeables.add(runtime);
        closeables.add(agent);
        agent.start();
        return agent;
    }

    private KubernetesJobRuntime kubernetesRuntime() {
        return new KubernetesJobRuntime(client, KubernetesRuntimeSettings.defaults(cluster)
                .withCheckInterval(Duration.ofMillis(100)), Clock.systemUTC());
    }

    private TestPlans.Builder plan(String what) {
        return TestPlans.plan(what + "-" + N.incrementAndGet()).cluster(cluster);
    }

    private void produce(JobPlanned plan) throws Exception {
        try (KafkaProducer<String, JobPlanned> producer = new KafkaProducer<>(
                AgentKafkaClients.producerProperties(kafka.bootstrapServers(), "test-planner", Map.of()),
                new StringSerializer(), ConfluentAvroSerde.forValues(registry, JobPlanned.class))) {
            String key = RecordKeys.of(plan.getSessionKey());
            ProducerRecord<String, JobPlanned> record = new ProducerRecord<>(topics.jobs(cluster), key, plan);
            CloudEventHeaders.write(record.headers(), CloudEventHeaders.Attributes.of("/test", EventTypes.of(
                    JobPlanned.class), key));
            producer.send(record).get(10, TimeUnit.SECONDS);
        }
    }

    private void produceBytes(byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.jobs(cluster), "x/y/z".getBytes(StandardCharsets.UTF_8), value))
                    .get(10, TimeUnit.SECONDS);
        }
    }

    private <T> List<ConsumerRecord<String, T>> readUntil(String topic, Class<T> type,
                                                          Predicate<List<ConsumerRecord<String, T>>> done) {
        List<ConsumerRecord<String, T>> all = new ArrayList<>();
        java.util.Properties p = kafka.consumerProperties(KafkaTestCluster.uniqueName("reader"));
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                castDeserializer(type))) {
            consumer.subscribe(List.of(topic));
            long end = System.nanoTime() + WAIT.toNanos();
            while (!done.test(all)) {
                if (System.nanoTime() > end) {
                    throw new AssertionError("timed out reading " + topic + "; got " + all.stream()
                            .map(ConsumerRecord::value).toList());
                }
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> org.apache.kafka.common.serialization.Deserializer<T> castDeserializer(Class<T> type) {
        return (org.apache.kafka.common.serialization.Deserializer<T>) ConfluentAvroSerde.forValues(registry,
                (Class) type);
    }

    private static Predicate<List<ConsumerRecord<String, StepOutcome>>> hasOutcome(JobPlanned plan, String container,
                                                                                   StepState state) {
        return records -> records.stream().anyMatch(r -> r.value().getSessionKey().getName().equals(
                plan.getSessionKey().getName()) && r.value().getContainerName().equals(container)
                && r.value().getState() == state);
    }

    private long committedOffsets() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = kafka.admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }

    @Test
    void aPlanBecomesAPodAndItsStepsBecomeOutcomes() throws Exception {
        agent(kubernetesRuntime(), JobScheduler.Limits.unlimited());
        JobPlanned plan = plan("run").historyLimit(0)
                .step(Step.ok("pg-backup").message(TestPlans.OUTPUT_JSON))
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS).message(TestPlans.UPDATE_STATUS_RESULT))
                .build();
        produce(plan);

        List<ConsumerRecord<String, StepOutcome>> records = readUntil(topics.stepOutcomes(), StepOutcome.class,
                hasOutcome(plan, "update-status-1", StepState.SUCCEEDED));
        ConsumerRecord<String, StepOutcome> last = records.get(records.size() - 1);
        StepOutcome outcome = last.value();
        assertEquals(RecordKeys.of(plan.getSessionKey()), last.key());
        assertEquals(plan.getInvoker(), outcome.getInvoker());
        assertEquals(plan.getRepositoryName(), outcome.getRepositoryName());
        assertEquals(1, outcome.getStepIndex());
        assertEquals(StepRole.UPDATE_STATUS, outcome.getRole());
        assertEquals(4L, outcome.getRepositoryResult().getSnapshotCount());
        assertNotNull(outcome.getPodUid());
        assertEquals(plan.getPlanId() + "/" + outcome.getPodUid() + "/update-status-1/1/SUCCEEDED",
                outcome.getOutcomeId());
        CloudEventHeaders.Attributes ce = CloudEventHeaders.read(last.headers()).orElseThrow();
        assertEquals(EventTypes.of(StepOutcome.class), ce.type());
        assertEquals(outcome.getOutcomeId(), ce.id());
        assertEquals(last.key(), ce.subject());
        StepOutcome backup = records.stream().map(ConsumerRecord::value)
                .filter(o -> o.getContainerName().equals("pg-backup-0") && o.getState() == StepState.SUCCEEDED)
                .findFirst().orElseThrow();
        assertTrue(backup.getHostStats().isEmpty(), "an init step's output.json is update-status's to report");
        assertEquals("host-0", outcome.getHostStats().get(0).getHostname());
        assertEquals("Succeeded", outcome.getHostStats().get(0).getPhase());

        awaitTrue(() -> committedOffsets() == 1, "the offset is committed once the pod exists");
        // history limit 0: once its outcomes are durable the pod goes
        awaitTrue(() -> client.pods().inNamespace(TestPlans.NAMESPACE).withName(plan.getPod().getName()).get() == null,
                "the pod is cleaned up after its outcomes are durable");
    }

    @Test
    void undecodableAndMisroutedRecordsAreRejectedAndTheAgentKeepsGoing() throws Exception {
        agent(kubernetesRuntime(), JobScheduler.Limits.unlimited());
        produceBytes("not avro at all".getBytes(StandardCharsets.UTF_8));
        JobPlanned foreign = TestPlans.plan("elsewhere-" + N.incrementAndGet()).cluster("other-cluster")
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS)).build();
        produce(foreign);
        JobPlanned plan = plan("after").step(Step.ok("update-status").role(StepRole.UPDATE_STATUS)).build();
        produce(plan);

        readUntil(topics.stepOutcomes(), StepOutcome.class, hasOutcome(plan, "update-status-0", StepState.SUCCEEDED));
        List<ConsumerRecord<String, Rejected>> rejected = readUntil(topics.rejected(), Rejected.class,
                r -> r.size() >= 2);
        assertEquals(JobAgent.STAGE, rejected.get(0).value().getStage());
        assertTrue(rejected.stream().anyMatch(r -> r.value().getError().contains("other-cluster")),
                "the misrouted plan is rejected with a reason naming its cluster");
        assertNull(client.pods().inNamespace(TestPlans.NAMESPACE).withName(foreign.getPod().getName()).get());
        awaitTrue(() -> committedOffsets() == 3, "every record's offset is committed");
    }

    @Test
    void aPlanThatCannotBecomeAPodFailsItsSession() throws Exception {
        agent(kubernetesRuntime(), JobScheduler.Limits.unlimited());
        JobPlanned plan = plan("clash").step(Step.ok("update-status").role(StepRole.UPDATE_STATUS)).build();
        client.pods().inNamespace(TestPlans.NAMESPACE).resource(new PodBuilder().withNewMetadata()
                .withName(plan.getPod().getName()).withNamespace(TestPlans.NAMESPACE).endMetadata().withNewSpec()
                .addNewContainer().withName("x").withImage("nginx").endContainer().endSpec().build()).create();
        produce(plan);
        List<ConsumerRecord<String, StepOutcome>> outcomes = readUntil(topics.stepOutcomes(), StepOutcome.class,
                hasOutcome(plan, "update-status-0", StepState.FAILED));
        StepOutcome failed = outcomes.get(outcomes.size() - 1).value();
        assertEquals("LaunchFailed", failed.getReason());
        assertTrue(failed.getMessage().contains("already exists"), failed.getMessage());
        readUntil(topics.rejected(), Rejected.class, r -> !r.isEmpty());
    }

    @Test
    void anAgentKilledBetweenPodCreationAndOutcomeLeavesExactlyOnePodAndTheSessionEnds() throws Exception {
        JobPlanned plan = plan("crash").step(Step.ok("update-status").role(StepRole.UPDATE_STATUS).sleep(2)).build();
        // the first agent dies right after the API server created the pod: no commit, no outcome
        KubernetesJobRuntime first = kubernetesRuntime();
        JobRuntime dying = new DyingAfterLaunch(first);
        JobAgent agent1 = agent(dying, JobScheduler.Limits.unlimited());
        produce(plan);
        awaitTrue(() -> client.pods().inNamespace(TestPlans.NAMESPACE).withName(plan.getPod().getName()).get() != null,
                "the first agent created the pod");
        awaitTrue(() -> agent1.livenessProblem().isPresent(), "the first agent is dead");
        first.close();
        assertEquals(0, committedOffsets(), "nothing was committed before the crash");

        agent(kubernetesRuntime(), JobScheduler.Limits.unlimited());
        readUntil(topics.stepOutcomes(), StepOutcome.class, hasOutcome(plan, "update-status-0", StepState.SUCCEEDED));
        assertEquals(1, client.pods().inNamespace(TestPlans.NAMESPACE).withLabels(PodFactory.selector(cluster)).list()
                .getItems().size(), "exactly one pod");
        awaitTrue(() -> committedOffsets() == 1, "the redelivered plan is committed after adoption");
    }

    @Test
    void aRepositoryLimitKeepsTheSecondPlanPendingWithItsQueuePosition() throws Exception {
        JobAgent agent = agent(kubernetesRuntime(), new JobScheduler.Limits(0, 1, 0, 0, 1));
        JobPlanned first = plan("limit").invoker("inv-a")
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS).sleep(1.5)).build();
        JobPlanned second = plan("limit").invoker("inv-b")
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS)).build();
        produce(first);
        awaitTrue(() -> client.pods().inNamespace(TestPlans.NAMESPACE).withName(first.getPod().getName()).get() != null,
                "first pod created");
        produce(second);
        awaitTrue(() -> agent.waiting().stream().anyMatch(w -> w.job().planId().equals(second.getPlanId())),
                "second plan waits");
        JobScheduler.Waiting waiting = agent.waiting().get(0);
        assertEquals(1, waiting.position());
        assertTrue(waiting.reason().contains("repository " + first.getRepositoryName()), waiting.reason());
        assertNull(client.pods().inNamespace(TestPlans.NAMESPACE).withName(second.getPod().getName()).get());

        readUntil(topics.stepOutcomes(), StepOutcome.class, hasOutcome(second, "update-status-0", StepState.SUCCEEDED));
        assertTrue(agent.waiting().isEmpty());
    }

    /** A runtime that creates the pod and then kills the agent's loop, as a process dying at that moment would. */
    private static final class DyingAfterLaunch implements JobRuntime {
        private final JobRuntime delegate;

        DyingAfterLaunch(JobRuntime delegate) {
            this.delegate = delegate;
        }

        @Override
        public String kind() {
            return delegate.kind();
        }

        @Override
        public void start(RunListener listener) {
            delegate.start(new RunListener() {
                @Override
                public void onStep(io.stashflow.executor.runtime.StepEvent event) {
                    // a dead agent publishes nothing
                }

                @Override
                public void onRunEnded(io.stashflow.executor.runtime.RunEnded ended) {
                }
            });
        }

        @Override
        public LaunchResult launch(JobPlanned plan) throws LaunchException {
            delegate.launch(plan);
            throw new SimulatedCrash();
        }

        @Override
        public void cancel(String planId, String message) {
        }

        @Override
        public List<RunInfo> inFlight() {
            return delegate.inFlight();
        }

        @Override
        public void release(String planId) {
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** An Error, not an exception: nothing in the agent catches it, as nothing survives a killed process. */
    private static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash() {
            super("simulated crash right after the pod was created");
        }
    }

    @FunctionalInterface
    interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Check condition, String what) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.ok()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
