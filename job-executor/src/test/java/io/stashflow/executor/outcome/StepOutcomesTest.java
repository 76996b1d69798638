package io.stashflow.executor.outcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.events.JobPlanned;
import io.stashflow.events.StepOutcome;
import io.stashflow.events.StepRole;
import io.stashflow.events.StepState;
import io.stashflow.executor.plan.PlanIdentity;
import io.stashflow.executor.plan.PlanStep;
import io.stashflow.executor.runtime.HistoryPolicy;
import io.stashflow.executor.runtime.StepEvent;
import io.stashflow.executor.runtime.StepOutput;
import io.stashflow.executor.testing.TestPlans;
import io.stashflow.executor.testing.TestPlans.Step;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Output parsing, outcome mapping, identity and history: pure functions. */
class StepOutcomesTest {

    /** What builtin-functions' update-status writes (its README's example, shortened). */
    static final String UPDATE_STATUS = "{\"version\":1,\"kind\":\"backup\",\"namespace\":\"demo\",\"session\":\"s-1\","
            + "\"hostCounts\":{\"total\":1,\"succeeded\":1,\"failed\":0},"
            + "\"hosts\":[{\"hostname\":\"host-0\",\"phase\":\"Succeeded\",\"duration\":\"2.345s\",\"snapshots\":[{"
            + "\"name\":\"1a2b3c4d\",\"path\":\"/stash-data\",\"totalSize\":\"12.300 MiB\",\"uploaded\":\"1.200 MiB\","
            + "\"processingTime\":\"0:02\",\"fileStats\":{\"totalFiles\":10,\"newFiles\":1,\"modifiedFiles\":2,"
            + "\"unmodifiedFiles\":7}}]}],"
            + "\"repository\":{\"location\":\"s3:s3.amazonaws.com/bucket/demo\",\"actions\":["
            + "{\"action\":\"forget\",\"stashAction\":\"ApplyRetentionPolicy\",\"outcome\":\"Succeeded\",\"message\":\"kept 5\"},"
            + "{\"action\":\"check\",\"stashAction\":\"VerifyRepositoryIntegrity\",\"outcome\":\"Failed\",\"message\":\"damaged\"},"
            + "{\"action\":\"stats\",\"stashAction\":\"VerifyRepositoryIntegrity\",\"outcome\":\"NotRun\"}],"
            + "\"integrity\":false,\"totalSize\":\"12.300 MiB\",\"totalSizeBytes\":12897484,\"snapshotCount\":5,"
            + "\"snapshotsRemovedOnLastCleanup\":1}}";

    @Test
    void parsesStashOutputJson() {
        StepOutput out = StepOutputParser.parse(TestPlans.OUTPUT_JSON);
        assertEquals(1, out.hostStats().size());
        assertEquals("Succeeded", out.hostStats().get(0).getPhase());
        assertEquals("1.0 MiB", out.hostStats().get(0).getSnapshots().get(0).getTotalSize());
        assertEquals(2L, out.hostStats().get(0).getSnapshots().get(0).getFileStats().getUnmodifiedFiles());
        assertNull(out.repositoryResult());
    }

    @Test
    void parsesTheUpdateStatusResult() {
        StepOutput out = StepOutputParser.parse(UPDATE_STATUS);
        assertEquals("1a2b3c4d", out.hostStats().get(0).getSnapshots().get(0).getName());
        assertEquals(5L, out.repositoryResult().getSnapshotCount());
        assertEquals(1L, out.repositoryResult().getSnapshotsRemoved());
        assertEquals(Boolean.FALSE, out.repositoryResult().getIntegrity());
        assertEquals(3, out.repositoryResult().getActions().size());
        assertEquals("ApplyRetentionPolicy", out.repositoryResult().getActions().get(0).getName());
        assertTrue(out.repositoryResult().getActions().get(0).getSucceeded());
        assertFalse(out.repositoryResult().getActions().get(1).getSucceeded());
        assertEquals("check Failed: damaged", out.repositoryResult().getActions().get(1).getMessage());
        assertFalse(out.truncated());
        assertTrue(StepOutputParser.parse(UPDATE_STATUS.replace("{\"version\":1,", "{\"version\":1,\"truncated\":true,"))
                .truncated());
    }

    @Test
    void textAndBrokenJsonAreJustMessages() {
        assertTrue(StepOutputParser.parse("repository is locked").isEmpty());
        assertTrue(StepOutputParser.parse("{\"targetStatus\":{\"stats\":[{\"host").isEmpty());
        assertTrue(StepOutputParser.parse(null).isEmpty());
        assertTrue(StepOutputParser.parse("[1,2]").isEmpty());
    }

    @Test
    void anOutcomeCarriesThePlansIdentityAndADeterministicId() throws Exception {
        JobPlanned plan = TestPlans.plan("s-1").step(Step.ok("update-status").role(StepRole.UPDATE_STATUS))
                .deadline(Instant.parse("2026-01-01T12:00:00Z")).build();
        PlanIdentity id = PlanIdentity.of(plan, 1);
        PlanStep step = PlanStep.of(plan.getPod()).get(0);
        StepEvent event = new StepEvent(id, "pod-a", "uid-9", step, StepState.SUCCEEDED, 0, "Completed", UPDATE_STATUS,
                Instant.EPOCH, Instant.EPOCH.plusSeconds(3), StepOutputParser.parse(UPDATE_STATUS));
        StepOutcome o = StepOutcomes.of(event, Instant.EPOCH.plusSeconds(4));
        assertEquals(plan.getPlanId() + "/uid-9/update-status-0/1/SUCCEEDED", o.getOutcomeId());
        assertEquals(o.getOutcomeId(), StepOutcomes.of(event, Instant.now()).getOutcomeId(), "same observation, same id");
        assertEquals(plan.getSessionKey(), o.getSessionKey());
        assertEquals(plan.getInvoker(), o.getInvoker());
        assertEquals(plan.getTarget(), o.getTarget());
        assertEquals(plan.getRepositoryName(), o.getRepositoryName());
        assertEquals(plan.getDeadline(), o.getDeadline());
        assertEquals("host-0", o.getHost());
        assertEquals(StepRole.UPDATE_STATUS, o.getRole());
        assertEquals("pod-a", o.getPodName());
        assertEquals(5L, o.getRepositoryResult().getSnapshotCount());
        // and it survives Avro
        assertEquals(o, StepOutcome.fromByteBuffer(o.toByteBuffer()));
    }

    @Test
    void theMainContainerOfATaskWithoutUpdateStatusReportsItsHost() {
        JobPlanned plan = TestPlans.plan("s-3").step(Step.ok("tar-backup")).step(Step.ok("tar-mark-latest")).build();
        PlanIdentity id = PlanIdentity.of(plan, 1);
        List<PlanStep> steps = PlanStep.of(plan.getPod());
        Instant start = Instant.parse("2026-01-01T12:00:00Z");
        StepOutcome main = StepOutcomes.of(new StepEvent(id, "pod", "uid", steps.get(1), StepState.SUCCEEDED, 0,
                "Completed", null, start, start.plusMillis(1500), StepOutput.NONE), start.plusSeconds(2));
        assertEquals(1, main.getHostStats().size());
        assertEquals("host-0", main.getHostStats().get(0).getHostname());
        assertEquals("Succeeded", main.getHostStats().get(0).getPhase());
        assertEquals("1.5s", main.getHostStats().get(0).getDuration());
        assertTrue(main.getHostStats().get(0).getSnapshots().isEmpty());
        assertEquals(Boolean.TRUE, main.getMainContainer());

        StepOutcome init = StepOutcomes.of(new StepEvent(id, "pod", "uid", steps.get(0), StepState.SUCCEEDED, 0,
                "Completed", null, start, start.plusSeconds(1), StepOutput.NONE), start.plusSeconds(2));
        assertTrue(init.getHostStats().isEmpty(), "an init container does not speak for the host");
        assertEquals(Boolean.FALSE, init.getMainContainer());
        StepOutcome failed = StepOutcomes.of(new StepEvent(id, "pod", "uid", steps.get(1), StepState.FAILED, 1,
                "Error", "no space", start, start.plusSeconds(1), StepOutput.NONE), start.plusSeconds(2));
        assertTrue(failed.getHostStats().isEmpty(), "a failure is judged by the reporter from the state");
        StepOutcome started = StepOutcomes.of(new StepEvent(id, "pod", "uid", steps.get(1), StepState.STARTED, null,
                null, null, start, null, StepOutput.NONE), start);
        assertTrue(started.getHostStats().isEmpty());

        JobPlanned withUpdateStatus = TestPlans.plan("s-4").step(Step.ok("pvc-backup"))
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS)).build();
        List<PlanStep> usSteps = PlanStep.of(withUpdateStatus.getPod());
        StepOutcome backup = StepOutcomes.of(new StepEvent(PlanIdentity.of(withUpdateStatus, 1), "pod", "uid",
                usSteps.get(0), StepState.SUCCEEDED, 0, "Completed", null, start, start.plusSeconds(1),
                StepOutputParser.parse(TestPlans.OUTPUT_JSON)), start.plusSeconds(2));
        assertTrue(backup.getHostStats().isEmpty(), "pvc-backup's output.json is update-status's to report: the pod"
                + " still runs");
        StepOutcome us = StepOutcomes.of(new StepEvent(PlanIdentity.of(withUpdateStatus, 1), "pod", "uid",
                usSteps.get(1), StepState.SUCCEEDED, 0, "Completed", null, start, start.plusSeconds(1),
                StepOutput.NONE), start.plusSeconds(2));
        assertTrue(us.getHostStats().isEmpty(), "update-status must bring its own stats (the reporter fails the host)");
    }

    @Test
    void durationsAreWrittenLikeGo() {
        assertEquals("0s", StepOutcomes.goDuration(java.time.Duration.ZERO));
        assertEquals("397ms", StepOutcomes.goDuration(java.time.Duration.ofMillis(397)));
        assertEquals("1.5ms", StepOutcomes.goDuration(java.time.Duration.ofNanos(1_500_000)));
        assertEquals("2s", StepOutcomes.goDuration(java.time.Duration.ofSeconds(2)));
        assertEquals("2m3.25s", StepOutcomes.goDuration(java.time.Duration.ofMillis(123_250)));
        assertEquals("1h0m5s", StepOutcomes.goDuration(java.time.Duration.ofSeconds(3605)));
    }

    @Test
    void longMessagesKeepTheirTailWithinFourKibibytes() {
        String message = "é".repeat(3000) + "the end";
        String cut = StepOutcomes.truncate(message);
        assertTrue(cut.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 4096);
        assertTrue(cut.endsWith("the end"));
        assertTrue(cut.startsWith("é"), "cut on a character boundary");
    }

    @Test
    void planIdentitySurvivesItsJson() {
        JobPlanned plan = TestPlans.plan("s-2").historyLimit(3).deadline(Instant.parse("2026-01-01T12:00:00Z"))
                .step(Step.ok("update-status")).build();
        PlanIdentity id = PlanIdentity.of(plan, 2);
        assertEquals(id, PlanIdentity.fromJson(id.toJson()));
        assertEquals(3, id.historyLimit());
        assertEquals(plan.getSessionKey(), id.sessionKey());
    }

    @Test
    void historyKeepsTheNewestUpToTheLimit() {
        List<HistoryPolicy.FinishedRun> runs = List.of(
                new HistoryPolicy.FinishedRun("a", Instant.parse("2026-01-01T01:00:00Z")),
                new HistoryPolicy.FinishedRun("c", Instant.parse("2026-01-01T03:00:00Z")),
                new HistoryPolicy.FinishedRun("b", Instant.parse("2026-01-01T02:00:00Z")));
        assertEquals(List.of("b", "a"), HistoryPolicy.toDelete(runs, 1));
        assertEquals(List.of("a"), HistoryPolicy.toDelete(runs, 2));
        assertEquals(List.of(), HistoryPolicy.toDelete(runs, 5));
        assertEquals(List.of("c", "b", "a"), HistoryPolicy.toDelete(runs, 0));
    }
}
