package io.stashflow.executor.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.events.EnvFromSpec;
import io.stashflow.events.EnvVarSpec;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.StepRole;
import io.stashflow.events.StepState;
import io.stashflow.executor.runtime.RunEnded;
import io.stashflow.executor.runtime.StepEvent;
import io.stashflow.executor.testing.RecordingListener;
import io.stashflow.executor.testing.TestPlans;
import io.stashflow.executor.testing.TestPlans.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the local runtime does: real priorities, local secrets, output files, log fallback. */
class LocalProcessRuntimeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path work;
    LocalProcessRuntime runtime;
    RecordingListener events;

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(work.resolve("secrets/demo/repo-creds"));
        Files.writeString(work.resolve("secrets/demo/repo-creds/RESTIC_PASSWORD"), "s3cr3t");
        runtime = new LocalProcessRuntime(LocalProcessRuntimeContractTest.settings(work), Clock.systemUTC());
        events = new RecordingListener();
        runtime.start(events);
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    /** One container running {@code sh -c script}, with {@code $1} the termination file and {@code $2} /stash-tmp. */
    private static JobPlanned shell(String session, String script, List<EnvVarSpec> env, List<EnvFromSpec> envFrom) {
        JobPlanned plan = TestPlans.plan(session).step(Step.ok("update-status").role(StepRole.UPDATE_STATUS)).build();
        plan.getPod().getContainer().setCommand(List.of("/bin/sh", "-c", script, "step", "/dev/termination-log",
                "/stash-tmp"));
        List<EnvVarSpec> all = new ArrayList<>(plan.getPod().getContainer().getEnv());
        all.addAll(env);
        plan.getPod().getContainer().setEnv(all);
        plan.getPod().getContainer().setEnvFrom(envFrom);
        return plan;
    }

    private static EnvVarSpec env(String name, String value) {
        return EnvVarSpec.newBuilder().setName(name).setValue(value).build();
    }

    private StepEvent terminal(JobPlanned plan) {
        events.awaitEnd(plan.getPlanId(), WAIT);
        return events.awaitStep(plan.getPlanId(), StepEvent::terminal, WAIT);
    }

    @Test
    void niceAndIoniceAreAppliedToTheProcess() throws Exception {
        JobPlanned plan = shell("prio", "printf '%s|%s' \"$(nice)\" \"$(ionice -p $$)\" > \"$1\"",
                List.of(env("NICE_ADJUSTMENT", "7"), env("IONICE_CLASS", "2"), env("IONICE_CLASS_DATA", "6")), List.of());
        runtime.launch(plan);
        StepEvent done = terminal(plan);
        assertEquals(StepState.SUCCEEDED, done.state(), String.valueOf(done.message()));
        String[] parts = done.message().split("\\|");
        assertEquals("7", parts[0].strip(), "the step ran at niceness 7");
        assertTrue(parts[1].contains("best-effort") && parts[1].contains("prio 6"), parts[1]);
    }

    @Test
    void envFromSecretRefReadsTheLocalSecretsDirectory() throws Exception {
        JobPlanned plan = shell("secret", "[ \"$RESTIC_PASSWORD\" = s3cr3t ] && printf ok > \"$1\"", List.of(),
                List.of(EnvFromSpec.newBuilder().setSecretName("repo-creds").build()));
        runtime.launch(plan);
        assertEquals("ok", terminal(plan).message());
    }

    @Test
    void aMissingSecretFailsTheStepBeforeItStarts() throws Exception {
        JobPlanned plan = shell("nosecret", "true", List.of(),
                List.of(EnvFromSpec.newBuilder().setSecretName("absent").build()));
        runtime.launch(plan);
        StepEvent failed = terminal(plan);
        assertEquals("CreateContainerConfigError", failed.reason());
        assertEquals(List.of("update-status-0:FAILED"), events.trace(plan.getPlanId()), "never started");
    }

    @Test
    void outputJsonIsReadWhenTheMessageSaysNothing() throws Exception {
        JobPlanned plan = shell("outjson", "mkdir -p \"$2/output\"; printf '%s' \"$OUT\" > \"$2/output/output.json\"",
                List.of(env("OUT", TestPlans.OUTPUT_JSON)), List.of());
        runtime.launch(plan);
        StepEvent done = terminal(plan);
        assertNull(done.message());
        assertEquals("a1b2c3", done.output().hostStats().get(0).getSnapshots().get(0).getName());
    }

    @Test
    void aFailingStepWithoutMessageReportsTheTailOfItsOutput() throws Exception {
        JobPlanned plan = shell("tail", "i=0; while [ $i -lt 2000 ]; do echo \"line $i\"; i=$((i+1)); done;"
                + " echo 'fatal: no repository' >&2; exit 4", List.of(), List.of());
        runtime.launch(plan);
        StepEvent failed = terminal(plan);
        assertEquals(4, failed.exitCode());
        assertTrue(failed.message().endsWith("fatal: no repository\n"), failed.message());
        assertTrue(failed.message().length() <= 4096);
    }

    @Test
    void theStepSeesItsTerminationFileInTheEnvironment() throws Exception {
        JobPlanned plan = shell("tmp", "printf mapped > \"$STASHFLOW_TERMINATION_MESSAGE_PATH\"", List.of(), List.of());
        runtime.launch(plan);
        assertEquals("mapped", terminal(plan).message());
    }

    @Test
    void anUnmappedImageFailsTheStep() throws Exception {
        JobPlanned plan = TestPlans.plan("unmapped").step(Step.ok("update-status").role(StepRole.UPDATE_STATUS)).build();
        plan.getPod().getContainer().setCommand(List.of());
        plan.getPod().getContainer().setArgs(List.of("run"));
        runtime.launch(plan);
        RunEnded end = events.awaitEnd(plan.getPlanId(), WAIT);
        assertEquals("UnmappedImage", end.reason());
        assertTrue(terminal(plan).message().contains("busybox:1.36"));
    }

    @Test
    void runDirectoriesFollowTheDocumentedLayout() throws Exception {
        JobPlanned plan = shell("layout", "echo hello; touch \"$2/marker\"", List.of(), List.of());
        runtime.launch(plan);
        terminal(plan);
        Path run = work.resolve("runs/demo/" + plan.getPod().getName());
        assertTrue(Files.exists(run.resolve("run.json")));
        assertTrue(Files.exists(run.resolve("volumes/stash-tmp-dir/marker")));
        assertTrue(Files.readString(run.resolve("logs/update-status-0.log")).contains("hello"));
    }
}
