package io.stashflow.reliability;

import static io.stashflow.reliability.FaultStack.awaitTrue;
import static io.stashflow.reliability.FaultStack.phases;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.events.SessionStatus;
import io.stashflow.events.StepOutcome;
import io.stashflow.executor.local.RunRecord;
import io.stashflow.reliability.FaultStack.Stream;
import io.stashflow.standalone.StandaloneStack.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor (the agent of the standalone cluster) is killed — no goodbye: no offset commit, step processes left
 * alone, unacknowledged outcomes dropped ({@code StandaloneStack#crashExecutor}) — and started again on its work
 * directory. DESIGN.md: at-least-once with idempotent effects (deterministic run names, create-or-adopt, outcomes
 * keyed so the reporter drops duplicates), and a session always reaches a final phase.
 *
 * <p>The Kubernetes runtime's version of the first drill (the pod keeps running and its outcome arrives after the
 * restart) is {@code JobAgentIntegrationTest#anAgentKilledBetweenPodCreationAndOutcomeLeavesExactlyOnePodAndTheSessionEnds}.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentCrashFaultTest {

    private static final int SESSIONS = 12;
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** The executor's consumer group in standalone mode. */
    private static final String GROUP = "stashflow-executor-" + FaultStack.CLUSTER;

    /** The first step outlasts the drill: the restart stops it. */
    private final Stream running = new Stream("cr", SESSIONS, 60);
    private final Stream reporting = new Stream("op", SESSIONS, 4);
    private FaultStack fx;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        fx = FaultStack.start(dir, List.of(running, reporting), "", UnaryOperator.identity());
    }

    @AfterAll
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    /**
     * Killed while every run's first step is running, and — as if it had died before committing — its consumer group
     * set back to before the plans: every plan is delivered again. The local runtime finds each run in its run
     * record and adopts it instead of starting it again; the step that was running cannot be re-attached (its exit
     * code is gone), so it fails with {@code ExecutorRestarted} and its session ends Failed, with the step run once.
     */
    @Test
    @Order(1)
    void killedBetweenRunCreationAndOutcomeTheRedeliveredPlansAreAdoptedNotRunAgain() {
        String jobs = fx.topics.jobs(FaultStack.CLUSTER);
        Map<TopicPartition, Long> beforeThePlans = fx.tail(jobs).endOffsets();
        List<String> sessions = fx.request(running, 0, SESSIONS);
        awaitTrue("every session's first step runs", () -> sessions.stream().allMatch(s -> fx.effects(s).size() == 1),
                WAIT);
        fx.stack.crashExecutor();
        fx.rewind(GROUP, beforeThePlans);
        fx.stack.start(Service.EXECUTOR);

        Map<String, SessionStatus> statuses = fx.assertNothingLostNothingTwice(sessions, Set.of("ExecutorRestarted"));
        assertEquals(Map.of("Failed", (long) SESSIONS), phases(statuses), "a local step cannot be re-attached");
        for (String session : sessions) {
            assertEquals(List.of("a"), fx.effects(session), session + ": the first step ran once, the second never");
            assertEquals(1, runDirectories(session), session + ": one run, adopted, not a second one");
        }
        awaitTrue("every redelivered plan is taken", () -> launches("adopted") + launches("already_reported")
                >= SESSIONS, WAIT);
        assertEquals(0.0, launches("created"), "the restarted executor started no run");
        assertEquals(SESSIONS, launches("adopted") + launches("already_reported"),
                "each redelivered plan found its run");
    }

    /**
     * The broker goes away while the runs finish, so their outcomes pile up unacknowledged in the executor, which is
     * then killed: the outcomes are lost with it, but the run records say the runs ended and were not reported. The
     * restarted executor reports them again from the records (the same outcome ids), without running anything again.
     * The reporter keeps one of each: every session Succeeded once.
     */
    @Test
    @Order(2)
    void killedWhileOutcomesAreBeingProducedReportsThemAgainWithoutRunningAgain() throws Exception {
        List<String> sessions = fx.request(reporting, 0, SESSIONS);
        awaitTrue("every session's first step has started", () -> sessions.stream()
                .allMatch(s -> !fx.effects(s).isEmpty()), WAIT);

        fx.stack.stopBroker();
        awaitTrue("every run ended", () -> sessions.stream().allMatch(s -> {
            RunRecord record = runRecord(s);
            return record != null && record.ended;
        }), WAIT);
        // the runs whose outcomes were not all acknowledged when the executor died: what it must report again
        List<String> unreported = sessions.stream().filter(s -> runRecord(s).reportedAt == null).toList();
        fx.stack.crashExecutor();
        fx.stack.startBroker();
        fx.stack.start(Service.EXECUTOR);

        assertTrue(unreported.size() >= SESSIONS / 2, "the broker went away while most runs were still running: "
                + unreported);
        Map<String, SessionStatus> statuses = fx.assertNothingLostNothingTwice(sessions, Set.of());
        assertEquals(Map.of("Succeeded", (long) SESSIONS), phases(statuses));
        for (String session : sessions) {
            Set<String> ids = fx.outcomes(session).stream().map(StepOutcome::getOutcomeId).collect(Collectors.toSet());
            assertEquals(4, ids.size(), session + ": two steps, each STARTED and SUCCEEDED: " + ids);
        }
        for (String session : unreported) {
            RunRecord record = runRecord(session);
            assertTrue(record != null && record.reportedAt != null, session + " is reported now");
        }
        assertEquals(0.0, launches("created"), "the restarted executor started no run");
        assertTrue(fx.executorMetric("stashflow_executor_outcomes_published", "") >= 4 * unreported.size(),
                "the restarted executor published the outcomes of every unreported run again");
    }

    private double launches(String result) {
        return fx.executorMetric("stashflow_executor_launches_total", "result=\"" + result + "\"");
    }

    private Path runs() {
        return fx.stack.settings().executorWorkDir().resolve("runs").resolve(FaultStack.NAMESPACE);
    }

    private long runDirectories(String session) {
        try (var dirs = Files.list(runs())) {
            return dirs.filter(d -> d.getFileName().toString().contains(session)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The local runtime's record of the session's run, or null while there is none ({@link RunRecord#write} renames a
     * complete file into place, so a reader never sees half a record).
     */
    private RunRecord runRecord(String session) {
        if (!Files.isDirectory(runs())) {
            return null;
        }
        try (var dirs = Files.list(runs())) {
            Path dir = dirs.filter(d -> d.getFileName().toString().contains(session)).findFirst().orElse(null);
            if (dir == null || !Files.exists(dir.resolve("run.json"))) {
                return null;
            }
            return RunRecord.read(dir.resolve("run.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
