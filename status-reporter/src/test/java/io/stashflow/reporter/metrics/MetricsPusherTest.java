package io.stashflow.reporter.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.reporter.PushgatewayProcess;
import io.stashflow.reporter.events.MetricsPushRequest;
import io.stashflow.reporter.events.ReporterSignal;
import io.stashflow.reporter.streams.ReporterSerdes;
import io.stashflow.service.metrics.MetricFamily;
import io.stashflow.service.metrics.PrometheusTextFormat;
import io.stashflow.service.metrics.Sample;
import io.stashflow.service.metrics.ServiceMetrics;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The pusher against a real Pushgateway, and against one that is down. Kafka's own MockConsumer/MockProducer stand in for the broker. */
class MetricsPusherTest {

    static final Instant NOW = Instant.parse("2026-01-10T02:01:00Z");
    final ReporterSerdes serdes = new ReporterSerdes(EmbeddedSchemaRegistry.inMemory());
    final ServiceMetrics metrics = new ServiceMetrics("stashflow_reporter_");
    final MockProducer<String, ReporterSignal> producer = new MockProducer<>(true, null, new StringSerializer(),
            serdes.signal.serializer());
    final List<Duration> waits = new ArrayList<>();

    MetricsPusher pusher(URI pushgateway, int attempts) {
        return new MetricsPusher(new MockConsumer<>("earliest"), serdes.pushRequest.deserializer(), r -> { },
                producer, new PushgatewayClient(pushgateway, Duration.ofSeconds(2)),
                new PushRetryPolicy(attempts, Duration.ofMillis(100), Duration.ofMillis(300)), "pushes", "signals",
                "/stashflow/reporter/test", metrics, Clock.fixed(NOW, ZoneOffset.UTC), waits::add);
    }

    static MetricsPushRequest request(String cluster, boolean repository, double success) {
        String body = PrometheusTextFormat.write(List.of(
                MetricFamily.gauge("stash_backup_session_success", "x", List.of(Sample.of(Map.of("namespace", "demo"),
                        success))),
                MetricFamily.gauge("stash_backup_last_success_time_seconds", "x",
                        List.of(Sample.of(Map.of("namespace", "demo"), 1768010435)))));
        if (success == 0) {
            body = PrometheusTextFormat.write(List.of(MetricFamily.gauge("stash_backup_session_success", "x",
                    List.of(Sample.of(Map.of("namespace", "demo"), 0)))));
        }
        return MetricsPushRequest.newBuilder().setSessionKind("BACKUP").setJob("backupconfiguration-demo-pg-backup")
                .setCluster(cluster).setBody(body).setCompletedAt(NOW).setReportsRepositoryMetrics(repository).build();
    }

    @Test
    void pushesWithPostSemanticsAndTheFleetGroupingKeyThenReportsMetricsPushed() throws Exception {
        try (PushgatewayProcess gateway = PushgatewayProcess.start()) {
            MetricsPusher pusher = pusher(gateway.url(), 3);
            pusher.handle("eu-1/demo/pg-backup-1", request("eu-1", true, 1));
            pusher.handle("eu-1/demo/pg-backup-2", request("eu-1", false, 0));
            List<MetricFamily> held = gateway.metrics();
            Sample lastSuccess = PrometheusTextFormat.find(held, "stash_backup_last_success_time_seconds").orElseThrow()
                    .samples().get(0);
            assertEquals(1768010435.0, lastSuccess.value(), "POST keeps families the failure did not push");
            assertEquals("eu-1", lastSuccess.labels().get("cluster"), "fleet mode: cluster in the grouping key");
            assertEquals("backupconfiguration-demo-pg-backup", lastSuccess.labels().get("job"));
            assertEquals(0.0, PrometheusTextFormat.find(held, "stash_backup_session_success").orElseThrow()
                    .samples().get(0).value());

            List<ReporterSignal> signals = producer.history().stream().map(r -> r.value()).toList();
            assertEquals(List.of("MetricsPushed", "RepositoryMetricsPushed", "MetricsPushed"),
                    signals.stream().map(ReporterSignal::getConditionType).toList());
            assertTrue(signals.stream().allMatch(s -> s.getConditionStatus().equals("True")));
            assertEquals("eu-1/demo/pg-backup-1", producer.history().get(0).key());
            assertEquals(2.0, metrics.counter("metrics_pushes_total", "").value(Map.of("result", "success")));
            assertEquals(List.of(Duration.ZERO, Duration.ZERO), waits, "no waiting when the first attempt works");
        }
    }

    @Test
    void anUnreachablePushgatewayIsRetriedWithBackoffThenReportedAsMetricsPushedFalse() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        MetricsPusher pusher = pusher(URI.create("http://127.0.0.1:" + closedPort), 4);
        pusher.handle("prod/demo/pg-backup-3", request(null, true, 1));
        assertEquals(List.of(Duration.ZERO, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300)), waits);
        ReporterSignal metricsPushed = producer.history().get(0).value();
        assertEquals("MetricsPushed", metricsPushed.getConditionType());
        assertEquals("False", metricsPushed.getConditionStatus());
        assertEquals("FailedToPushMetrics", metricsPushed.getReason());
        assertTrue(metricsPushed.getMessage().startsWith("Failed to push metrics. Reason: cannot reach the Pushgateway at"
                + " http://127.0.0.1:" + closedPort + "/metrics/job/backupconfiguration-demo-pg-backup"),
                metricsPushed.getMessage());
        assertEquals("False", producer.history().get(1).value().getConditionStatus());
        assertEquals(4.0, metrics.counter("metrics_push_attempts_total", "").value(Map.of("result", "failure")));
        assertEquals(1.0, metrics.counter("metrics_pushes_total", "").value(Map.of("result", "failure")));
    }

    @Test
    void groupingKeyValuesThatAreNotPlainUseBase64() {
        PushgatewayClient client = new PushgatewayClient(URI.create("http://gw:9091/"), Duration.ofSeconds(1));
        assertEquals("http://gw:9091/metrics/job/backupconfiguration-demo-pg/cluster/eu-1",
                client.groupUri("backupconfiguration-demo-pg", Optional.of("eu-1")).toString());
        assertEquals("http://gw:9091/metrics/job@base64/YS9i", client.groupUri("a/b", Optional.empty()).toString());
    }
}
