package io.stashflow.reliability;

import static io.stashflow.reliability.FaultStack.awaitTrue;
import static io.stashflow.reliability.FaultStack.phases;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.events.SessionStatus;
import io.stashflow.reliability.FaultStack.Stream;
import io.stashflow.standalone.StandaloneStack.Service;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each service of the standalone stack is stopped in the middle of a stream of sessions (requests keep arriving while
 * it is down) and started again on its own state. Every session ends; none is planned twice; no step runs twice.
 *
 * <p>Planner and reporter are Kafka Streams applications with {@code exactly_once_v2}: their restart must not change
 * any session's outcome. The executor is at-least-once with idempotent effects; the local runtime cannot re-attach a
 * process, so a graceful stop fails the steps running at that moment ({@code ExecutorStopped}, DESIGN.md: a session
 * always reaches a final phase) and every other session, including those requested while it was down, succeeds.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceRestartFaultTest {

    private static final int SESSIONS = 24;
    private static final Duration GAP = Duration.ofMillis(150);
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final Stream plannerStream = new Stream("pl", SESSIONS, 0.5);
    private final Stream executorStream = new Stream("ex", SESSIONS, 1.5);
    private final Stream reporterStream = new Stream("rp", SESSIONS, 0.5);
    private FaultStack fx;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        fx = FaultStack.start(dir, List.of(plannerStream, executorStream, reporterStream), "",
                UnaryOperator.identity());
    }

    @AfterAll
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void plannerRestartedMidStreamPlansEverySessionOnce() {
        FaultStack.Paced stream = fx.requestPaced(plannerStream, GAP);
        awaitTrue("a third of the stream is planned", () -> planned(plannerStream) >= SESSIONS / 3, WAIT);
        fx.stack.stop(Service.PLANNER);
        int requestedWhileStopping = stream.requested();
        FaultStack.pause(2_000); // requests keep coming while the planner is down
        assertTrue(stream.requested() > requestedWhileStopping || stream.requested() == SESSIONS,
                "the stream went on while the planner was down");
        fx.stack.start(Service.PLANNER);

        Map<String, SessionStatus> statuses = fx.assertNothingLostNothingTwice(stream.finish(), Set.of());
        assertEquals(Map.of("Succeeded", (long) SESSIONS), phases(statuses));
    }

    @Test
    void executorRestartedMidStreamFailsOnlyWhatWasRunningAndRunsTheRestOnce() {
        FaultStack.Paced stream = fx.requestPaced(executorStream, GAP);
        awaitTrue("a third of the stream has started a step", () -> started(executorStream) >= SESSIONS / 3, WAIT);
        fx.stack.stop(Service.EXECUTOR);
        int requestedAfterStop = stream.requested();
        FaultStack.pause(2_000);
        fx.stack.start(Service.EXECUTOR);

        Map<String, SessionStatus> statuses = fx.assertNothingLostNothingTwice(stream.finish(),
                Set.of("ExecutorStopped"));
        for (int i = requestedAfterStop; i < SESSIONS; i++) {
            String session = executorStream.session(i);
            assertEquals("Succeeded", statuses.get(session).getPhase(),
                    session + " was requested after the executor stopped, so nothing of it was running");
        }
        assertTrue(requestedAfterStop < SESSIONS, "part of the stream came while the executor was down");
    }

    @Test
    void reporterRestartedMidStreamReportsEverySessionFinal() {
        FaultStack.Paced stream = fx.requestPaced(reporterStream, GAP);
        awaitTrue("a third of the stream is final", () -> finalCount(reporterStream) >= SESSIONS / 3, WAIT);
        fx.stack.stop(Service.REPORTER);
        FaultStack.pause(2_000); // outcomes keep coming while the reporter is down
        fx.stack.start(Service.REPORTER);

        Map<String, SessionStatus> statuses = fx.assertNothingLostNothingTwice(stream.finish(), Set.of());
        assertEquals(Map.of("Succeeded", (long) SESSIONS), phases(statuses));
        String sessions = fx.get(fx.stack.settings().statusUrl() + "/sessions?namespace=" + FaultStack.NAMESPACE);
        for (String session : reporterStream.sessions()) {
            assertTrue(sessions.contains("\"" + session + "\""), "the restarted status API knows " + session);
        }
    }

    private long planned(Stream stream) {
        return fx.plans(stream.sessions()).values().stream().filter(c -> c > 0).count();
    }

    private long started(Stream stream) {
        return stream.sessions().stream().filter(s -> !fx.effects(s).isEmpty()).count();
    }

    private long finalCount(Stream stream) {
        return fx.finalCount(stream.sessions());
    }
}
