package io.stashflow.executor.simulated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.events.JobPlanned;
import io.stashflow.events.StepRole;
import io.stashflow.events.StepState;
import io.stashflow.executor.runtime.LaunchException;
import io.stashflow.executor.runtime.LaunchResult;
import io.stashflow.executor.runtime.RunEnded;
import io.stashflow.executor.runtime.StepEvent;
import io.stashflow.executor.testing.RecordingListener;
import io.stashflow.executor.testing.TestPlans;
import io.stashflow.executor.testing.TestPlans.Step;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the simulated runtime does beyond the shared contract: its own launch refusals and the bench's model. */
class SimulatedJobRuntimeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1);
    private final List<SimulatedJobRuntime> runtimes = new ArrayList<>();

    @AfterEach
    void stop() {
        runtimes.forEach(SimulatedJobRuntime::close);
        timers.shutdownNow();
    }

    private SimulatedJobRuntime runtime(SimulatedCluster cluster, String clusterId, RecordingListener events) {
        SimulatedJobRuntime runtime = new SimulatedJobRuntime(cluster, clusterId, Duration.ofMillis(50),
                Clock.systemUTC());
        runtimes.add(runtime);
        runtime.start(events);
        return runtime;
    }

    private static JobPlanned backup(String session, String cluster) {
        return TestPlans.plan(session).cluster(cluster)
                .step(Step.ok("pg-backup"))
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS))
                .build();
    }

    @Test
    void theBenchModelEndsEveryStepSucceededWithTheResultUpdateStatusWouldWrite() throws Exception {
        SimulatedCluster cluster = new SimulatedCluster(timers, StepBehaviours.succeedAfter(Duration.ofMillis(20), 0),
                Clock.systemUTC());
        RecordingListener events = new RecordingListener();
        SimulatedJobRuntime runtime = runtime(cluster, "c1", events);
        JobPlanned plan = backup("model", "c1");
        assertEquals(LaunchResult.Outcome.CREATED, runtime.launch(plan).outcome());

        RunEnded end = events.awaitEnd(plan.getPlanId(), WAIT);
        assertTrue(end.succeeded(), end.toString());
        assertEquals(List.of("pg-backup-0:STARTED", "pg-backup-0:SUCCEEDED", "update-status-1:STARTED",
                "update-status-1:SUCCEEDED"), events.trace(plan.getPlanId()));
        StepEvent status = events.steps(plan.getPlanId()).get(3);
        assertEquals(1, status.output().hostStats().size());
        assertEquals("host-0", status.output().hostStats().get(0).getHostname());
        assertEquals("Succeeded", status.output().hostStats().get(0).getPhase());
        assertEquals("20ms", status.output().hostStats().get(0).getDuration());
        assertEquals(Boolean.TRUE, status.output().repositoryResult().getIntegrity());
        assertEquals(List.of("ApplyRetentionPolicy", "VerifyRepositoryIntegrity"),
                status.output().repositoryResult().getActions().stream().map(a -> a.getName()).toList());
        assertTrue(status.output().repositoryResult().getActions().stream().allMatch(a -> a.getSucceeded()));
        assertEquals(List.of(plan.getPlanId()),
                cluster.creations().stream().map(c -> c.identity().planId()).toList());
    }

    @Test
    void theFailureRatioFailsTheFirstStepOfAStableShareOfPlans() {
        StepBehaviour tenth = StepBehaviours.succeedAfter(Duration.ZERO, 0.1);
        int failing = 0;
        for (int i = 0; i < 10_000; i++) {
            JobPlanned plan = backup("s-" + i, "c1");
            var step = io.stashflow.executor.plan.PlanStep.of(plan.getPod()).get(0);
            SimulatedStep first = tenth.simulate(plan, plan.getPod().getInitContainers().get(0), step);
            SimulatedStep again = tenth.simulate(plan, plan.getPod().getInitContainers().get(0), step);
            assertEquals(first, again, "the same plan always behaves the same");
            if (first.exitCode() != 0) {
                failing++;
                assertEquals("Error", first.reason());
                assertTrue(first.terminationMessage().startsWith("simulated failure"), first.terminationMessage());
            }
        }
        assertTrue(failing > 800 && failing < 1200, failing + " of 10,000 plans failed with ratio 0.1");
        assertFalse(StepBehaviours.fails("any", 0));
        assertTrue(StepBehaviours.fails("any", 1));
        assertThrows(IllegalArgumentException.class, () -> StepBehaviours.succeedAfter(Duration.ZERO, 1.5));
        assertThrows(IllegalArgumentException.class, () -> StepBehaviours.succeedAfter(Duration.ofMillis(-1), 0));
    }

    @Test
    void aFailingFirstStepEndsTheRunWithoutRunningTheRest() {
        SimulatedCluster cluster = new SimulatedCluster(timers, StepBehaviours.succeedAfter(Duration.ZERO, 1),
                Clock.systemUTC());
        RecordingListener events = new RecordingListener();
        SimulatedJobRuntime runtime = runtime(cluster, "c1", events);
        JobPlanned plan = backup("fails", "c1");
        assertEquals(LaunchResult.Outcome.CREATED, assertLaunch(runtime, plan).outcome());
        RunEnded end = events.awaitEnd(plan.getPlanId(), WAIT);
        assertFalse(end.succeeded());
        assertEquals("Error", end.reason());
        assertEquals(List.of("pg-backup-0:STARTED", "pg-backup-0:FAILED"), events.trace(plan.getPlanId()));
        assertEquals(1, events.steps(plan.getPlanId()).get(1).exitCode());
    }

    @Test
    void aPlanOfAnotherClusterOrARunNameTakenByAnotherPlanIsRefused() throws Exception {
        SimulatedCluster cluster = new SimulatedCluster(timers, StepBehaviours.succeedAfter(Duration.ofSeconds(5), 0),
                Clock.systemUTC());
        SimulatedJobRuntime runtime = runtime(cluster, "c1", new RecordingListener());
        LaunchException wrongCluster = assertThrows(LaunchException.class, () -> runtime.launch(backup("x", "c2")));
        assertFalse(wrongCluster.retriable());
        assertTrue(wrongCluster.getMessage().contains("is for cluster c2"), wrongCluster.getMessage());

        runtime.launch(backup("taken", "c1"));
        // same pod name (session and target index), another plan id
        JobPlanned other = JobPlanned.newBuilder(backup("taken", "c1")).setPlanId("c1/demo/taken/other").build();
        LaunchException taken = assertThrows(LaunchException.class, () -> runtime.launch(other));
        assertFalse(taken.retriable());
        assertTrue(taken.getMessage().contains("already exists for plan"), taken.getMessage());
        assertEquals(1, cluster.creations().size());
    }

    @Test
    void aReleasedRunIsAlreadyReportedAndADeletedOneFailsItsSession() throws Exception {
        SimulatedCluster cluster = new SimulatedCluster(timers, StepBehaviours.succeedAfter(Duration.ofMillis(10), 0),
                Clock.systemUTC());
        RecordingListener events = new RecordingListener();
        SimulatedJobRuntime runtime = runtime(cluster, "c1", events);
        JobPlanned done = backup("done", "c1");
        runtime.launch(done);
        events.awaitEnd(done.getPlanId(), WAIT);
        runtime.release(done.getPlanId());
        assertTrue(runtime.inFlight().isEmpty());
        assertEquals(LaunchResult.Outcome.ALREADY_REPORTED, runtime.launch(done).outcome());

        SimulatedCluster slow = new SimulatedCluster(timers, StepBehaviours.succeedAfter(Duration.ofMinutes(1), 0),
                Clock.systemUTC());
        RecordingListener slowEvents = new RecordingListener();
        SimulatedJobRuntime slowRuntime = runtime(slow, "c1", slowEvents);
        JobPlanned deleted = backup("deleted", "c1");
        slowRuntime.launch(deleted);
        slowEvents.awaitStarted(deleted.getPlanId(), "pg-backup-0", WAIT);
        slow.delete(deleted.getPod().getNamespace() + "/" + deleted.getPod().getName());
        RunEnded end = slowEvents.awaitEnd(deleted.getPlanId(), WAIT);
        assertEquals("PodDeleted", end.reason());
        StepEvent failed = slowEvents.awaitStep(deleted.getPlanId(), e -> e.state() == StepState.FAILED, WAIT);
        assertEquals("pg-backup-0", failed.step().containerName());
    }

    @Test
    void runtimesOfTwoClustersOnOneSimulatedClusterSeeOnlyTheirOwnRuns() throws Exception {
        SimulatedCluster cluster = new SimulatedCluster(timers, StepBehaviours.succeedAfter(Duration.ofMillis(10), 0),
                Clock.systemUTC());
        RecordingListener first = new RecordingListener();
        RecordingListener second = new RecordingListener();
        SimulatedJobRuntime a = runtime(cluster, "a", first);
        runtime(cluster, "b", second);
        JobPlanned plan = backup("mine", "a");
        a.launch(plan);
        first.awaitEnd(plan.getPlanId(), WAIT);
        assertTrue(second.steps(plan.getPlanId()).isEmpty());
        assertTrue(second.ended(plan.getPlanId()).isEmpty());
    }

    private static LaunchResult assertLaunch(SimulatedJobRuntime runtime, JobPlanned plan) {
        try {
            return runtime.launch(plan);
        } catch (LaunchException e) {
            throw new AssertionError(e);
        }
    }
}
