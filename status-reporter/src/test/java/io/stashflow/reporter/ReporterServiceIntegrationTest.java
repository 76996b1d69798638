package io.stashflow.reporter;

import static io.stashflow.reporter.Fixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.Rejected;
import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionKind;
import io.stashflow.events.StepOutcome;
import io.stashflow.events.StepRole;
import io.stashflow.reporter.Fixtures.Session;
import io.stashflow.reporter.streams.ReporterSerdes;
import io.stashflow.service.config.ConfigReader;
import io.stashflow.service.metrics.MetricFamily;
import io.stashflow.service.metrics.PrometheusTextFormat;
import io.stashflow.service.metrics.Sample;
import io.stashflow.testsupport.KafkaTestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The whole reporter on the embedded broker with a real Pushgateway: sessions end only after their metrics were pushed;
 * after a success then a failure of the same invoker the Pushgateway still holds the last success time; undecodable
 * input lands on the rejected topic; and after a restart {@code /metrics} serves the same Stash series as before.
 */
@Tag("integration")
class ReporterServiceIntegrationTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void pushesWithPostSemanticsRejectsPoisonAndServesTheSameMetricsAfterARestart() throws Exception {
        KafkaTestCluster kafka = KafkaTestCluster.shared();
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.inMemory();
        ReporterSerdes serdes = new ReporterSerdes(registry);
        String prefix = KafkaTestCluster.uniqueName("rit");
        Topics topics = new Topics(prefix);
        Path state = Files.createTempDirectory("reporter-it");
        // the services run on the wall clock: the sessions happened in the last two hours
        Fixtures.base(Instant.now().minus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        try (PushgatewayProcess pushgateway = PushgatewayProcess.start();
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
            Map<String, String> flags = new HashMap<>(Map.of(
                    "bootstrap-servers", kafka.bootstrapServers(),
                    "topic-prefix", prefix,
                    "application-id", prefix + "-reporter",
                    "state-dir", state.toString(),
                    "pushgateway-url", pushgateway.url().toString(),
                    "http-port", "0",
                    "partitions", "2",
                    "sweep-interval", "1s",
                    // the sessions' outcomes are dated up to two hours back (see the base above): a silence window
                    // shorter than that would let the sweeper end a session between two of its outcomes
                    "agent-silence", "4h",
                    "push-backoff", "100ms"));
            ReporterConfig config = ReporterConfig.read(ConfigReader.of("reporter", flags, Map.of(), Optional.empty()), false);
            Map<String, Object> fast = Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100,
                    StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);

            ReporterService service = new ReporterService(config, registry, Clock.systemUTC(), fast);
            service.start();
            String before;
            try {
                waitFor("reporter ready", service::ready, Duration.ofSeconds(60));
                SessionKey ok = new SessionKey("prod", "demo", "pg-backup-1768010400", SessionKind.BACKUP);
                send(producer, topics.sessions(), ok, serdes.sessionRequested.serializer().serialize(topics.sessions(),
                        request(ok, 0)));
                for (StepOutcome o : new Session(ok).successfulTarget(0, 5)) {
                    send(producer, topics.stepOutcomes(), ok, serdes.stepOutcome.serializer().serialize(topics.stepOutcomes(), o));
                }
                JsonNode succeeded = waitForPhase(service, "demo", ok.getName(), "Succeeded");
                assertFalse(succeeded.path("status").path("sessionDuration").asText().isEmpty(),
                        "set when the session became final, after the push");
                assertEquals("True", condition(succeeded, "MetricsPushed"));
                assertEquals(4, succeeded.path("steps").size(), "every container outcome");

                SessionKey bad = new SessionKey("prod", "demo", "pg-backup-1768014000", SessionKind.BACKUP);
                send(producer, topics.sessions(), bad, serdes.sessionRequested.serializer().serialize(topics.sessions(),
                        request(bad, 3600)));
                Session failing = new Session(bad);
                for (StepOutcome o : List.of(failing.started(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 3601),
                        failing.failed(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 3610, "Error", "pg_dump: timeout"))) {
                    // (a second hour later: both sessions are within the agent-silence window)
                    send(producer, topics.stepOutcomes(), bad, serdes.stepOutcome.serializer().serialize(topics.stepOutcomes(), o));
                }
                waitForPhase(service, "demo", bad.getName(), "Failed");

                // the Pushgateway after a success then a failure of the same invoker (POST semantics)
                List<MetricFamily> held = pushgateway.metrics();
                double successTime = Fixtures.at(35).getEpochSecond();
                for (String prefixName : List.of("stash_backup_", "stash_appscode_com_backupsession_")) {
                    assertEquals(successTime, value(held, prefixName + "last_success_time_seconds"), prefixName);
                    assertEquals(0.0, value(held, prefixName.equals("stash_backup_") ? "stash_backup_session_success"
                            : "stash_appscode_com_backupsession_success"), prefixName);
                }
                assertEquals(35.0, value(held, "stash_backup_session_duration_seconds"), "the success's duration survives");

                // undecodable input goes to the rejected topic; the service keeps going
                producer.send(new ProducerRecord<>(topics.stepOutcomes(), "prod/demo/poison".getBytes(),
                        new byte[] {0, 0, 0, 0, 42, 7})).get();
                Rejected rejected = readRejected(kafka, topics.rejected(), serdes);
                assertEquals("reporter.decode", rejected.getStage());
                assertEquals(topics.stepOutcomes(), rejected.getTopic());

                before = stashSeries(service.httpPort());
                assertTrue(before.contains("stash_backup_last_success_time_seconds{"), before);
                assertTrue(before.contains("job=\"backupconfiguration-demo-pg-backup\""), before);
                String own = get(service.httpPort(), "/metrics");
                assertTrue(own.contains("stashflow_reporter_metrics_pushes_total{result=\"success\"} 2"), own);
                assertTrue(own.contains("stashflow_reporter_rejected_records_total 1"), own);
            } finally {
                service.close();
            }

            ReporterService restarted = new ReporterService(config, registry, Clock.systemUTC(), fast);
            restarted.start();
            try {
                waitFor("restarted reporter ready", restarted::ready, Duration.ofSeconds(60));
                assertEquals(before, stashSeries(restarted.httpPort()));
                JsonNode list = JSON.readTree(get(restarted.httpPort(), "/sessions?namespace=demo&phase=Failed"));
                assertEquals(1, list.path("items").size());
                JsonNode repos = JSON.readTree(get(restarted.httpPort(), "/repositories"));
                assertEquals("1.250 GiB", repos.path("items").get(0).path("status").path("totalSize").asText());
            } finally {
                restarted.close();
            }
        } finally {
            Fixtures.resetBase();
        }
    }

    static void send(KafkaProducer<byte[], byte[]> producer, String topic, SessionKey key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, RecordKeys.of(key).getBytes(), value)).get();
    }

    static double value(List<MetricFamily> families, String name) {
        MetricFamily family = PrometheusTextFormat.find(families, name)
                .orElseThrow(() -> new AssertionError("the Pushgateway holds no " + name));
        List<Sample> samples = family.samples().stream()
                .filter(s -> "backupconfiguration-demo-pg-backup".equals(s.labels().get("job"))).toList();
        assertEquals(1, samples.size(), name + ": " + family.samples());
        return samples.get(0).value();
    }

    static String condition(JsonNode session, String type) {
        for (JsonNode c : session.path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c.path("status").asText();
            }
        }
        return null;
    }

    /** The Stash series of the reporter's /metrics, sorted, for comparison across a restart. */
    String stashSeries(int port) throws Exception {
        return get(port, "/metrics").lines().filter(l -> l.startsWith("stash_")).sorted()
                .collect(Collectors.joining("\n"));
    }

    String get(int port, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    JsonNode waitForPhase(ReporterService service, String namespace, String name, String phase) throws Exception {
        Instant until = Instant.now().plusSeconds(60);
        String last = "";
        while (Instant.now().isBefore(until)) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + service.httpPort() + "/sessions/" + namespace + "/" + name)).build(), HttpResponse.BodyHandlers.ofString());
            last = response.body();
            if (response.statusCode() == 200) {
                JsonNode node = JSON.readTree(last);
                if (phase.equals(node.path("status").path("phase").asText())) {
                    return node;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("session " + name + " did not reach " + phase + "; last answer: " + last);
    }

    static void waitFor(String what, Supplier<Boolean> condition, Duration timeout) throws InterruptedException {
        Instant until = Instant.now().plus(timeout);
        while (Instant.now().isBefore(until)) {
            if (condition.get()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    static Rejected readRejected(KafkaTestCluster kafka, String topic, ReporterSerdes serdes) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties(
                KafkaTestCluster.uniqueName("rejected-reader")))) {
            consumer.subscribe(List.of(topic));
            Instant until = Instant.now().plusSeconds(30);
            List<Rejected> found = new ArrayList<>();
            while (found.isEmpty() && Instant.now().isBefore(until)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    found.add(serdes.rejected.deserializer().deserialize(topic, r.value()));
                }
            }
            assertFalse(found.isEmpty(), "nothing on " + topic);
            return found.get(0);
        }
    }
}
