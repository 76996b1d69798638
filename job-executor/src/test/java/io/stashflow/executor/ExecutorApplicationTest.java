package io.stashflow.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.StepOutcome;
import io.stashflow.events.StepRole;
import io.stashflow.events.StepState;
import io.stashflow.executor.agent.AgentKafkaClients;
import io.stashflow.executor.config.ExecutorConfig;
import io.stashflow.executor.simulated.SimulatedCluster;
import io.stashflow.executor.simulated.SimulatedJobRuntime;
import io.stashflow.executor.simulated.StepBehaviours;
import io.stashflow.executor.testing.TestPlans;
import io.stashflow.executor.testing.TestPlans.Step;
import io.stashflow.service.config.ConfigReader;
import io.stashflow.testsupport.KafkaTestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wired service on the local runtime: topics created, a plan run, outcomes written, HTTP endpoints up; and the
 * agent on a runtime handed in (the simulated one).
 */
@Tag("integration")
class ExecutorApplicationTest {

    @TempDir
    Path work;

    @Test
    void theLocalExecutorRunsAPlanEndToEnd() throws Exception {
        KafkaTestCluster kafka = KafkaTestCluster.shared();
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.inMemory();
        String prefix = KafkaTestCluster.uniqueName("app");
        ExecutorConfig config = ExecutorConfig.read(ConfigReader.of("executor", Map.of(
                "bootstrap-servers", kafka.bootstrapServers(), "cluster-id", "laptop", "topic-prefix", prefix,
                "runtime", "local", "work-dir", work.resolve("executor").toString(),
                "secrets-dir", work.resolve("secrets").toString(), "http-port", "0", "partitions", "1"),
                Map.of(), Optional.empty()), ExecutorConfig.Mode.EXECUTOR, Map.of());
        try (ExecutorApplication app = ExecutorApplication.start(config, ExecutorConfig.Mode.EXECUTOR, registry,
                () -> {
                    throw new AssertionError("the local runtime needs no Kubernetes client");
                }, Clock.systemUTC())) {
            JobPlanned plan = TestPlans.plan("app-1").cluster("laptop")
                    .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS).message(TestPlans.UPDATE_STATUS_RESULT))
                    .build();
            try (KafkaProducer<String, JobPlanned> producer = new KafkaProducer<>(
                    AgentKafkaClients.producerProperties(kafka.bootstrapServers(), "planner", Map.of()),
                    new StringSerializer(), ConfluentAvroSerde.forValues(registry, JobPlanned.class))) {
                ProducerRecord<String, JobPlanned> record = new ProducerRecord<>(config.topics().jobs("laptop"),
                        RecordKeys.of(plan.getSessionKey()), plan);
                CloudEventHeaders.write(record.headers(), CloudEventHeaders.Attributes.of("/test",
                        EventTypes.of(JobPlanned.class), record.key()));
                producer.send(record).get(10, TimeUnit.SECONDS);
            }
            try (KafkaConsumer<String, StepOutcome> consumer = new KafkaConsumer<>(
                    kafka.consumerProperties(KafkaTestCluster.uniqueName("outcomes")), new StringDeserializer(),
                    ConfluentAvroSerde.forValues(registry, StepOutcome.class))) {
                consumer.subscribe(List.of(config.topics().stepOutcomes()));
                long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                StepOutcome done = null;
                while (done == null && System.nanoTime() < end) {
                    for (var r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.value().getState() == StepState.SUCCEEDED) {
                            done = r.value();
                        }
                    }
                }
                assertTrue(done != null, "the plan's step succeeded");
                assertEquals(4L, done.getRepositoryResult().getSnapshotCount());
            }
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + app.httpPort();
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("stashflow_executor_plans_consumed_total"), metrics);
            String queue = http.send(HttpRequest.newBuilder(URI.create(base + "/queue")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertEquals("[\n]\n", queue);
            assertTrue(kafka.topics().contains(config.topics().rejected()), "topics are created when missing");
        }
    }

    @Test
    void anAgentOnAGivenRuntimeRunsPlansThereAndMakesNoKubernetesClient() throws Exception {
        KafkaTestCluster kafka = KafkaTestCluster.shared();
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.inMemory();
        String prefix = KafkaTestCluster.uniqueName("sim");
        ExecutorConfig config = ExecutorConfig.read(ConfigReader.of("agent", Map.of(
                "bootstrap-servers", kafka.bootstrapServers(), "cluster-id", "fleet-1", "topic-prefix", prefix,
                "mirror", "false", "http-port", "0", "partitions", "1"),
                Map.of(), Optional.empty()), ExecutorConfig.Mode.AGENT, Map.of());
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        SimulatedCluster simulated = new SimulatedCluster(timers,
                StepBehaviours.succeedAfter(Duration.ofMillis(10), 0), Clock.systemUTC());
        try (ExecutorApplication app = ExecutorApplication.start(config, ExecutorConfig.Mode.AGENT, registry,
                () -> {
                    throw new AssertionError("a given runtime without the mirror needs no Kubernetes client");
                }, Clock.systemUTC(),
                new SimulatedJobRuntime(simulated, "fleet-1", Duration.ofMillis(100), Clock.systemUTC()))) {
            JobPlanned plan = TestPlans.plan("sim-1").cluster("fleet-1")
                    .step(Step.ok("pg-backup"))
                    .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS))
                    .build();
            try (KafkaProducer<String, JobPlanned> producer = new KafkaProducer<>(
                    AgentKafkaClients.producerProperties(kafka.bootstrapServers(), "planner", Map.of()),
                    new StringSerializer(), ConfluentAvroSerde.forValues(registry, JobPlanned.class))) {
                producer.send(new ProducerRecord<>(config.topics().jobs("fleet-1"), RecordKeys.of(plan.getSessionKey()),
                        plan)).get(10, TimeUnit.SECONDS);
            }
            try (KafkaConsumer<String, StepOutcome> consumer = new KafkaConsumer<>(
                    kafka.consumerProperties(KafkaTestCluster.uniqueName("outcomes")), new StringDeserializer(),
                    ConfluentAvroSerde.forValues(registry, StepOutcome.class))) {
                consumer.subscribe(List.of(config.topics().stepOutcomes()));
                long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                List<String> seen = new java.util.ArrayList<>();
                while (seen.size() < 4 && System.nanoTime() < end) {
                    for (var r : consumer.poll(Duration.ofMillis(200))) {
                        seen.add(r.value().getContainerName() + ":" + r.value().getState());
                    }
                }
                assertEquals(List.of("pg-backup-0:STARTED", "pg-backup-0:SUCCEEDED", "update-status-1:STARTED",
                        "update-status-1:SUCCEEDED"), seen);
            }
            assertEquals(1, simulated.creations().size(), "one simulated run for the plan");
        } finally {
            timers.shutdownNow();
        }
    }
}
