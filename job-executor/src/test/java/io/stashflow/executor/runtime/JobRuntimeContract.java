package io.stashflow.executor.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.events.JobPlanned;
import io.stashflow.events.StepRole;
import io.stashflow.events.StepState;
import io.stashflow.executor.testing.RecordingListener;
import io.stashflow.executor.testing.TestPlans;
import io.stashflow.executor.testing.TestPlans.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobRuntime} must do, run once per adapter (a subclass per runtime). The plans' steps are the
 * shell scripts of {@link TestPlans}; the Kubernetes subclass plays them with its fake kubelet, the local subclass runs
 * them.
 */
public abstract class JobRuntimeContract {

    protected static final Duration WAIT = Duration.ofSeconds(20);
    private static final AtomicInteger SESSIONS = new AtomicInteger();

    protected RecordingListener events;
    protected JobRuntime runtime;
    /** A cluster id of the test's own: runtimes select their runs by it, so tests sharing an API server stay apart. */
    protected String cluster;

    /** A new runtime over the same backing state (same API server, same work directory) as the previous ones. */
    protected abstract JobRuntime newRuntime();

    /** Makes the runtime stop observing the way a killed agent would: no clean-up, runs left as they are. */
    protected abstract void crash(JobRuntime runtime);

    /** How many runs (pods, run directories) exist for the plan. */
    protected abstract int runsExisting(JobPlanned plan);

    /** Whether anything of the plan still executes (a pod that is not deleted, a live process). */
    protected abstract boolean stillExecuting(JobPlanned plan);

    /** The state of the running step after a crash and a restart: the pod carries on, a local step cannot. */
    protected abstract StepState stateAfterRecovery();

    @BeforeEach
    void startRuntime() {
        cluster = "c" + SESSIONS.incrementAndGet();
        events = new RecordingListener();
        runtime = newRuntime();
        runtime.start(events);
    }

    @AfterEach
    void closeRuntime() {
        if (runtime != null) {
            runtime.close();
        }
    }

    protected TestPlans.Builder plan(String session) {
        return TestPlans.plan(session).cluster(cluster);
    }

    protected static String session(String what) {
        return what + "-" + SESSIONS.incrementAndGet() + "-" + (System.nanoTime() % 100000);
    }

    @Test
    void successChainReportsEveryStepInOrderWithItsOutput() throws Exception {
        JobPlanned plan = plan(session("chain"))
                .step(Step.ok("pg-backup").message(TestPlans.OUTPUT_JSON))
                .step(Step.ok("check"))
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS).message(TestPlans.UPDATE_STATUS_RESULT))
                .build();
        LaunchResult launched = runtime.launch(plan);
        assertEquals(LaunchResult.Outcome.CREATED, launched.outcome());
        assertEquals(plan.getPod().getName(), launched.runName());

        RunEnded end = events.awaitEnd(plan.getPlanId(), WAIT);
        assertTrue(end.succeeded(), "run should succeed: " + end);
        assertEquals(List.of("pg-backup-0:STARTED", "pg-backup-0:SUCCEEDED", "check-1:STARTED", "check-1:SUCCEEDED",
                "update-status-2:STARTED", "update-status-2:SUCCEEDED"), events.trace(plan.getPlanId()));

        StepEvent backup = events.steps(plan.getPlanId()).get(1);
        assertEquals(0, backup.exitCode());
        assertEquals("Completed", backup.reason());
        assertEquals(0, backup.step().position());
        assertEquals(1, backup.output().hostStats().size());
        assertEquals("a1b2c3", backup.output().hostStats().get(0).getSnapshots().get(0).getName());
        assertEquals(3L, backup.output().hostStats().get(0).getSnapshots().get(0).getFileStats().getTotalFiles());
        assertNotNull(backup.startedAt());
        assertNotNull(backup.finishedAt());
        assertEquals(plan.getPod().getName(), backup.runName());
        assertNotNull(backup.runUid());

        StepEvent status = events.steps(plan.getPlanId()).get(5);
        assertEquals(StepRole.UPDATE_STATUS, status.step().role());
        assertEquals(4L, status.output().repositoryResult().getSnapshotCount());
        assertEquals(Boolean.TRUE, status.output().repositoryResult().getIntegrity());

        assertEquals(1, runtime.inFlight().size());
        assertTrue(runtime.inFlight().get(0).ended());
        runtime.release(plan.getPlanId());
        awaitTrue(() -> runtime.inFlight().isEmpty(), "released run leaves in-flight");
    }

    @Test
    void failingInitStepStopsTheChain() throws Exception {
        JobPlanned plan = plan(session("initfail"))
                .step(Step.ok("pg-backup"))
                .step(Step.ok("check").exit(3).message("repository is locked"))
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS))
                .build();
        runtime.launch(plan);
        RunEnded end = events.awaitEnd(plan.getPlanId(), WAIT);
        assertFalse(end.succeeded());
        assertEquals(List.of("pg-backup-0:STARTED", "pg-backup-0:SUCCEEDED", "check-1:STARTED", "check-1:FAILED"),
                events.trace(plan.getPlanId()));
        StepEvent failed = events.steps(plan.getPlanId()).get(3);
        assertEquals(3, failed.exitCode());
        assertEquals("Error", failed.reason());
        assertEquals("repository is locked", failed.message());
    }

    @Test
    void exitCodesAndOutputAreReported() throws Exception {
        JobPlanned plan = plan(session("exit"))
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS).exit(42))
                .build();
        runtime.launch(plan);
        events.awaitEnd(plan.getPlanId(), WAIT);
        StepEvent failed = events.steps(plan.getPlanId()).get(1);
        assertEquals(StepState.FAILED, failed.state());
        assertEquals(42, failed.exitCode());
        assertEquals("Error", failed.reason());
    }

    @Test
    void deadlineStopsTheRunAndFailsTheCurrentStep() throws Exception {
        JobPlanned plan = plan(session("deadline"))
                .step(Step.ok("pg-backup").sleep(60))
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS))
                .deadline(Instant.now().plusMillis(1500))
                .build();
        runtime.launch(plan);
        RunEnded end = events.awaitEnd(plan.getPlanId(), WAIT);
        assertFalse(end.succeeded());
        assertEquals("DeadlineExceeded", end.reason());
        StepEvent failed = events.awaitStep(plan.getPlanId(), e -> e.state() == StepState.FAILED, WAIT);
        assertEquals("pg-backup-0", failed.step().containerName());
        assertEquals("DeadlineExceeded", failed.reason());
        assertTrue(failed.message().contains("deadline"), failed.message());
        awaitTrue(() -> !stillExecuting(plan), "the run is stopped after its deadline");
        assertTrue(events.steps(plan.getPlanId()).stream().noneMatch(e -> e.step().containerName().startsWith("update")));
    }

    @Test
    void cancelStopsTheRun() throws Exception {
        JobPlanned plan = plan(session("cancel"))
                .step(Step.ok("pg-backup").sleep(60))
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS))
                .build();
        runtime.launch(plan);
        events.awaitStarted(plan.getPlanId(), "pg-backup-0", WAIT);
        runtime.cancel(plan.getPlanId(), "cancelled by the test");
        RunEnded end = events.awaitEnd(plan.getPlanId(), WAIT);
        assertEquals("Cancelled", end.reason());
        StepEvent failed = events.awaitStep(plan.getPlanId(), e -> e.state() == StepState.FAILED, WAIT);
        assertEquals("Cancelled", failed.reason());
        assertTrue(failed.message().contains("cancelled by the test"), failed.message());
        awaitTrue(() -> !stillExecuting(plan), "the run is stopped after cancel");
    }

    @Test
    void launchingTheSamePlanAgainAdoptsTheRun() throws Exception {
        JobPlanned plan = plan(session("adopt"))
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS).sleep(0.5))
                .build();
        LaunchResult first = runtime.launch(plan);
        LaunchResult second = runtime.launch(plan);
        assertEquals(LaunchResult.Outcome.CREATED, first.outcome());
        assertEquals(LaunchResult.Outcome.ADOPTED, second.outcome());
        assertEquals(first.runUid(), second.runUid());
        assertTrue(events.awaitEnd(plan.getPlanId(), WAIT).succeeded());
        assertEquals(1, runsExisting(plan));
        assertEquals(1, runtime.inFlight().size());
    }

    @Test
    void crashAndRecoverEndsTheSessionWithExactlyOneRun() throws Exception {
        JobPlanned plan = plan(session("crash"))
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS).sleep(1.5))
                .build();
        runtime.launch(plan);
        events.awaitStarted(plan.getPlanId(), "update-status-0", WAIT);
        crash(runtime);
        runtime = null;

        RecordingListener after = new RecordingListener();
        JobRuntime restarted = newRuntime();
        runtime = restarted;
        restarted.start(after);
        assertEquals(1, restarted.inFlight().size(), "the restarted runtime holds the run it did not start");
        LaunchResult again = restarted.launch(plan); // the plan's record is read again after the restart
        assertTrue(again.outcome() == LaunchResult.Outcome.ADOPTED, "relaunch adopts: " + again);

        RunEnded end = after.awaitEnd(plan.getPlanId(), WAIT);
        StepEvent terminal = after.awaitStep(plan.getPlanId(), StepEvent::terminal, WAIT);
        assertEquals(stateAfterRecovery(), terminal.state(), "after recovery: " + terminal);
        assertEquals(stateAfterRecovery() == StepState.SUCCEEDED, end.succeeded());
        assertEquals(1, runsExisting(plan));
        assertEquals(1, after.ended(plan.getPlanId()).size());
    }

    @Test
    void releaseKeepsOnlyTheInvokersHistoryLimit() throws Exception {
        String invoker = session("hist");
        JobPlanned[] plans = new JobPlanned[3];
        for (int i = 0; i < plans.length; i++) {
            plans[i] = plan(session("hist")).invoker(invoker).historyLimit(1)
                    .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS)).build();
            runtime.launch(plans[i]);
            assertTrue(events.awaitEnd(plans[i].getPlanId(), WAIT).succeeded());
            runtime.release(plans[i].getPlanId());
            Thread.sleep(20); // distinct finish times
        }
        awaitTrue(() -> runsExisting(plans[0]) == 0 && runsExisting(plans[1]) == 0, "older runs deleted");
        assertEquals(1, runsExisting(plans[2]));
    }

    protected static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }
}
