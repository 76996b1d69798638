package io.stashflow.reliability;

import static io.stashflow.reliability.FaultStack.awaitTrue;
import static io.stashflow.reliability.FaultStack.phases;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.events.Condition;
import io.stashflow.events.SessionStatus;
import io.stashflow.reliability.FaultStack.Stream;
import io.stashflow.standalone.DemoData;
import io.stashflow.standalone.EmbeddedKafkaBroker;
import io.stashflow.standalone.StandaloneStack.Service;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Pushgateway (the real Debian {@code prometheus-pushgateway}, which CI installs; the test fails without it) is
 * down while sessions complete, and comes back on the same address. Like Stash, a session becomes final only after its
 * metrics were pushed: the sessions wait, Running, while the reporter retries with backoff, and once the Pushgateway
 * answers again every session's metrics arrive and every session ends Succeeded, its steps run once.
 */
@Tag("integration")
class PushgatewayOutageFaultTest {

    private static final int SESSIONS = 8;

    @TempDir
    Path dir;

    @Test
    void pushgatewayDownForAWhileThenBackMetricsArriveAndSessionsFinish() throws Exception {
        int port = EmbeddedKafkaBroker.freePort();
        String url = "http://127.0.0.1:" + port;
        Stream stream = new Stream("po", SESSIONS, 0.2);
        Process gateway = DemoData.startPushgateway(port, dir.resolve("pushgateway-1.log"));
        // 40 attempts, backoff from 250 ms doubling to at most 4 s: about two and a half minutes of patience
        try (FaultStack fx = FaultStack.start(dir.resolve("stack"), List.of(stream), "", s -> s.withPushgateway(url)
                .withServiceSetting(Service.REPORTER, "push-attempts", "40")
                .withServiceSetting(Service.REPORTER, "push-backoff", "250ms"))) {
            stop(gateway);
            List<String> sessions = fx.request(stream, 0, SESSIONS);
            awaitTrue("every session's target completed", () -> {
                Map<String, SessionStatus> latest = fx.statuses();
                return sessions.stream().allMatch(s -> latest.get(s) != null && !latest.get(s).getTargets().isEmpty()
                        && latest.get(s).getTargets().stream().allMatch(t -> "Succeeded".equals(t.getPhase())));
            }, Duration.ofSeconds(90));
            awaitTrue("the reporter tried to push and failed", () -> fx.reporterMetric(
                    "stashflow_reporter_metrics_push_attempts_total", "result=\"failure\"") >= 2, Duration.ofSeconds(30));
            assertEquals(0, fx.finalCount(sessions), "no session is final while its metrics cannot be pushed: "
                    + phases(fx.statuses()));

            gateway = DemoData.startPushgateway(port, dir.resolve("pushgateway-2.log"));
            Map<String, SessionStatus> statuses = fx.assertNothingLostNothingTwice(sessions, Set.of());
            assertEquals(Map.of("Succeeded", (long) SESSIONS), phases(statuses));
            for (SessionStatus status : statuses.values()) {
                assertEquals("True", condition(status, "MetricsPushed"), status.getSessionKey().getName());
            }
            String held = fx.get(url + "/metrics");
            for (int i = 0; i < SESSIONS; i++) {
                String job = "job=\"backupconfiguration-" + FaultStack.NAMESPACE + "-" + stream.invoker(i) + "\"";
                assertTrue(held.contains("stash_backup_session_success{") && held.contains(job),
                        "the Pushgateway holds the metrics of " + stream.invoker(i));
            }
            assertTrue(fx.reporterMetric("stashflow_reporter_metrics_pushes_total", "result=\"success\"") >= SESSIONS,
                    "every session's metrics were pushed");
            assertEquals(0.0, fx.reporterMetric("stashflow_reporter_metrics_pushes_total", "result=\"failure\""),
                    "no session was given up on");
        } finally {
            stop(gateway);
        }
    }

    private static String condition(SessionStatus status, String type) {
        return status.getConditions().stream().filter(c -> c.getType().equals(type)).map(Condition::getStatus)
                .findFirst().orElse(null);
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
