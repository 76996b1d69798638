package io.stashflow.executor.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.events.JobPlanned;
import io.stashflow.events.StepState;
import io.stashflow.executor.runtime.JobRuntime;
import io.stashflow.executor.runtime.JobRuntimeContract;
import io.stashflow.executor.testing.TestPlans.Step;
import io.stashflow.executor.testing.TestPlans;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link JobRuntimeContract}, the contract every runtime meets, on {@link LocalProcessRuntime} (host processes):
 * the tests are inherited, this class supplies the runtime and answers the suite's questions in local terms (a run is
 * a run directory; a crashed agent's processes cannot be resumed, so the step fails after recovery). Behaviour only
 * the local runtime has (nice/ionice, secrets directory, output files, run directory layout) is in
 * {@link LocalProcessRuntimeTest}.
 */
class LocalProcessRuntimeContractTest extends JobRuntimeContract {

    @TempDir
    Path work;

    static LocalRuntimeSettings settings(Path work) {
        return new LocalRuntimeSettings(work, new EntrypointMap(Map.of()),
                new DirectorySecretSource(work.resolve("secrets")), Duration.ofMillis(500), LocalStepPreparer.Tools.detect());
    }

    @Override
    protected JobRuntime newRuntime() {
        return new LocalProcessRuntime(settings(work), Clock.systemUTC());
    }

    @Override
    protected void crash(JobRuntime r) {
        ((LocalProcessRuntime) r).abandon();
    }

    @Override
    protected int runsExisting(JobPlanned plan) {
        Path dir = work.resolve("runs").resolve(plan.getPod().getNamespace()).resolve(plan.getPod().getName());
        return Files.exists(dir.resolve("run.json")) ? 1 : 0;
    }

    @Override
    protected boolean stillExecuting(JobPlanned plan) {
        String session = plan.getSessionKey().getName();
        List<String> markers = List.of(TestPlans.marker(session, 0), TestPlans.marker(session, 1));
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .anyMatch(p -> p.info().arguments().map(args -> List.of(args).stream().anyMatch(markers::contains))
                        .orElse(false));
    }

    @Override
    protected StepState stateAfterRecovery() {
        return StepState.FAILED;
    }

    /** The answer {@link #runsExisting} gives is a run directory whose record names the plan. */
    @Test
    void aRunIsADirectoryWhoseRecordNamesThePlan() throws Exception {
        JobPlanned plan = plan(session("dir")).step(Step.ok("pg-backup")).build();
        runtime.launch(plan);
        events.awaitEnd(plan.getPlanId(), WAIT);
        assertEquals(1, runsExisting(plan));
        Path record = work.resolve("runs").resolve(plan.getPod().getNamespace()).resolve(plan.getPod().getName())
                .resolve("run.json");
        assertTrue(Files.readString(record).contains(plan.getPlanId()), "run.json names the plan");
    }
}
