package io.stashflow.planner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.SessionRequested;
import io.stashflow.planner.topology.PlannerFixtures;
import io.stashflow.testsupport.KafkaTestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service on the embedded broker: definitions from a directory, 1,000 sessions, the planner stopped in the
 * middle of the stream and started again. Exactly 1,000 plans come out (read committed), none twice, none lost.
 */
@Tag("integration")
class PlannerRestartIntegrationTest {

    private static final int SESSIONS = 1000;
    private static final int CONFIGS = 10;
    /** Sessions of the demo world's scheduled BackupConfiguration, which are not the test's. */
    private static final String SCHEDULED_PREFIX = "pg-backup-";

    @TempDir
    Path dir;

    @Test
    void stoppingAndRestartingMidStreamPlansEverySessionExactlyOnce() throws Exception {
        KafkaTestCluster kafka = KafkaTestCluster.shared();
        String prefix = KafkaTestCluster.uniqueName("restart");
        Topics topics = new Topics(prefix);
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.inMemory();
        Path definitions = Files.createDirectories(dir.resolve("definitions"));
        writeDefinitions(definitions);

        PlannerConfig config = PlannerTestConfigs.planner(kafka.bootstrapServers(), prefix, dir, definitions,
                Map.of("definitions-grace", "30s"));
        Map<String, Object> fastStreams = Map.of("commit.interval.ms", 100, "consumer.session.timeout.ms", 10_000);

        PlannerService first = PlannerService.start(config, registry, fastStreams);
        awaitReady(first);
        assertEquals(200, get(first.httpPort(), "/readyz").statusCode());

        ConfluentAvroSerde<SessionRequested> requestSerde = ConfluentAvroSerde.forValues(registry,
                SessionRequested.class);
        try (KafkaProducer<String, SessionRequested> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), requestSerde.serializer())) {
            Instant base = Instant.now();
            send(producer, topics, base, 0, SESSIONS / 2);

            // stop the planner while it works through the first half, then send the second half
            awaitUntil(() -> first.metrics().latency().count("c1") >= 100, Duration.ofSeconds(60),
                    "the first planner plans sessions");
            first.close();
            long plannedBeforeStop = first.metrics().latency().count("c1");
            send(producer, topics, base, SESSIONS / 2, SESSIONS);

            PlannerService second = PlannerService.start(config, registry, fastStreams);
            try {
                Map<String, Integer> plans = readPlans(kafka, topics, registry, SESSIONS, Duration.ofSeconds(90));
                assertEquals(SESSIONS, plans.size(), "every session planned (" + plannedBeforeStop
                        + " before the stop); " + unexpected(plans));
                assertEquals(expectedPlanIds(), plans.keySet(), () -> unexpected(plans));
                assertTrue(plans.values().stream().allMatch(count -> count == 1),
                        "no session planned twice: " + duplicates(plans));
                String metrics = get(second.httpPort(), "/metrics").body();
                assertTrue(metrics.contains("stashflow_planner_plans_total{cluster=\"c1\"}"), metrics);
                assertTrue(metrics.contains("stashflow_planner_plan_latency_seconds_count{cluster=\"c1\"}"), metrics);
            } finally {
                second.close();
            }
        }
    }

    private static void send(KafkaProducer<String, SessionRequested> producer, Topics topics, Instant base, int from,
                             int to) {
        for (int i = from; i < to; i++) {
            String name = "pg-" + (i % CONFIGS) + "-" + i;
            SessionRequested request = PlannerFixtures.backupRequest("c1", name, "BackupConfiguration",
                    "pg-" + (i % CONFIGS), base.plusMillis(i), 0);
            producer.send(new ProducerRecord<>(topics.sessions(), RecordKeys.of("c1", "demo", name), request));
        }
        producer.flush();
    }

    private static void writeDefinitions(Path directory) throws Exception {
        Path catalog = PlannerFixtures.catalog();
        for (String file : List.of("postgres-backup-function.yaml", "postgres-backup-task.yaml")) {
            Files.copy(catalog.resolve(file), directory.resolve(file));
        }
        StringBuilder world = new StringBuilder(PlannerFixtures.resource("/planner/postgres-demo.yaml"));
        for (int i = 0; i < CONFIGS; i++) {
            world.append("---\n").append(PlannerFixtures.appBinding("pg-db-" + i)).append("---\n")
                    .append(PlannerFixtures.backupConfiguration("pg-" + i, "pg-db-" + i, "timeOut: 1h"));
        }
        Files.writeString(directory.resolve("world.yaml"), world);
    }

    /**
     * Reads the jobs topic (read_committed) until {@code expected} distinct plans or the timeout; plan id → count of
     * the test's sessions (scheduled sessions are left out).
     */
    private static Map<String, Integer> readPlans(KafkaTestCluster kafka, Topics topics,
                                                  EmbeddedSchemaRegistry registry, int expected, Duration timeout) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaTestCluster.uniqueName("plans-reader"));
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, JobPlanned> consumer = new KafkaConsumer<>(settings, new StringDeserializer(),
                ConfluentAvroSerde.forValues(registry, JobPlanned.class).deserializer())) {
            consumer.subscribe(List.of(topics.jobs("c1")));
            long deadline = System.nanoTime() + timeout.toNanos();
            long quietSince = 0;
            while (System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, JobPlanned> record : records) {
                    if (record.value().getSessionKey().getName().startsWith(SCHEDULED_PREFIX)) {
                        // the demo world's pg-backup runs every 5 minutes: a test that spans a tick gets its session
                        continue;
                    }
                    counts.merge(record.value().getPlanId(), 1, Integer::sum);
                }
                if (counts.size() >= expected) {
                    // keep reading a little longer: a duplicate would show up now
                    if (quietSince == 0) {
                        quietSince = System.nanoTime();
                    } else if (System.nanoTime() - quietSince > Duration.ofSeconds(3).toNanos()) {
                        break;
                    }
                }
            }
        }
        return counts;
    }

    /** What differs from the plan ids of the sessions sent, so that a failure says which plans to look for. */
    private static String unexpected(Map<String, Integer> plans) {
        Set<String> expected = expectedPlanIds();
        Set<String> extra = new java.util.TreeSet<>(plans.keySet());
        extra.removeAll(expected);
        Set<String> missing = new java.util.TreeSet<>(expected);
        missing.removeAll(plans.keySet());
        return "plan ids not sent: " + extra + ", sessions without a plan: "
                + (missing.size() > 20 ? missing.size() + " (first " + missing.iterator().next() + ")" : missing);
    }

    /** {@code cluster/namespace/session/target} of every session sent. */
    private static Set<String> expectedPlanIds() {
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < SESSIONS; i++) {
            expected.add("c1/demo/pg-" + (i % CONFIGS) + "-" + i + "/0");
        }
        return expected;
    }

    private static String duplicates(Map<String, Integer> plans) {
        Set<String> dup = new HashSet<>();
        plans.forEach((id, count) -> {
            if (count > 1) {
                dup.add(id + "×" + count);
            }
        });
        return dup.toString();
    }

    static void awaitReady(PlannerService service) {
        awaitUntil(() -> service.readinessProblem().isEmpty(), Duration.ofSeconds(60), "the planner becomes ready");
    }

    static void awaitUntil(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            sleep(100);
        }
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
