package io.stashflow.executor.simulated;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stashflow.events.ContainerSpec;
import io.stashflow.events.EnvVarSpec;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.StepState;
import io.stashflow.executor.runtime.JobRuntime;
import io.stashflow.executor.runtime.JobRuntimeContract;
import io.stashflow.executor.testing.TestPlans.Step;
import io.stashflow.executor.testing.TestPlans;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runtime contract on the simulated cluster. The simulation's model plays the test plans' variables the way the
 * fake kubelet does ({@code STEP_SLEEP} seconds, then exit {@code STEP_EXIT} with termination message
 * {@code STEP_MESSAGE}); every rule of the contract is then the simulated runtime's own work.
 */
class SimulatedJobRuntimeContractTest extends JobRuntimeContract {

    /** {@link TestPlans}' variables as the simulation's model. */
    static final StepBehaviour TEST_PLANS = (plan, container, step) -> new SimulatedStep(
            Duration.ofMillis(Math.round(Double.parseDouble(env(container, "STEP_SLEEP", "0")) * 1000)),
            Integer.parseInt(env(container, "STEP_EXIT", "0")), env(container, "STEP_MESSAGE", null));

    static ScheduledExecutorService timers;

    /** One simulated cluster per test, shared by the runtimes the test makes (the "same backing state"). */
    final SimulatedCluster simulated = new SimulatedCluster(timers, TEST_PLANS, Clock.systemUTC());

    @BeforeAll
    static void startTimers() {
        timers = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "simulated-test");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stopTimers() {
        timers.shutdownNow();
    }

    static String env(ContainerSpec container, String name, String fallback) {
        for (EnvVarSpec e : container.getEnv()) {
            if (e.getName().equals(name) && e.getValue() != null) {
                return e.getValue();
            }
        }
        return fallback;
    }

    static String key(JobPlanned plan) {
        return plan.getPod().getNamespace() + "/" + plan.getPod().getName();
    }

    @Override
    protected JobRuntime newRuntime() {
        return new SimulatedJobRuntime(simulated, cluster, Duration.ofMillis(100), Clock.systemUTC());
    }

    @Override
    protected void crash(JobRuntime r) {
        // like a killed agent: it stops observing, the runs go on in the cluster
        r.close();
    }

    @Override
    protected int runsExisting(JobPlanned plan) {
        return simulated.get(key(plan)).isPresent() ? 1 : 0;
    }

    @Override
    protected boolean stillExecuting(JobPlanned plan) {
        return simulated.get(key(plan)).map(r -> r.phase() == SimulatedCluster.RunPhase.RUNNING).orElse(false);
    }

    @Override
    protected StepState stateAfterRecovery() {
        return StepState.SUCCEEDED;
    }

    /** The answer {@link #runsExisting} gives is a run of the simulated cluster, kept under this runtime's cluster. */
    @Test
    void aRunIsKeptInTheSimulatedClusterUnderItsCluster() throws Exception {
        JobPlanned plan = plan(session("sim")).step(Step.ok("pg-backup")).build();
        runtime.launch(plan);
        events.awaitEnd(plan.getPlanId(), WAIT);
        assertEquals(1, runsExisting(plan));
        assertEquals(cluster, simulated.get(key(plan)).orElseThrow().cluster());
        assertEquals(1, simulated.list(cluster).size());
    }
}
