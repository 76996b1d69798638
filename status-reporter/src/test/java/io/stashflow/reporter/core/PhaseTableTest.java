package io.stashflow.reporter.core;

import static io.stashflow.reporter.Fixtures.at;
import static io.stashflow.reporter.Fixtures.backupKey;
import static io.stashflow.reporter.Fixtures.host;
import static io.stashflow.reporter.Fixtures.repositoryResult;
import static io.stashflow.reporter.Fixtures.request;
import static io.stashflow.reporter.Fixtures.restoreKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.events.Condition;
import io.stashflow.events.PlanRejected;
import io.stashflow.events.HostStats;
import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionRequested;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.StepOutcome;
import io.stashflow.events.StepRole;
import io.stashflow.events.TargetStatus;
import io.stashflow.reporter.Fixtures.Session;
import io.stashflow.reporter.events.ReporterSignal;
import io.stashflow.reporter.events.SignalKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Stash's phase table, reproduced on the pure projection: each scenario before and after the metrics push. */
public class PhaseTableTest {

    static final StatusProjector.Settings GATED = new StatusProjector.Settings(true);

    public static SessionFacts facts(SessionKey key, List<?> inputs) {
        SessionFacts facts = new SessionFacts(key);
        for (Object input : inputs) {
            if (input instanceof SessionRequested r) {
                facts.addRequest(r);
            } else if (input instanceof StepOutcome o) {
                facts.addOutcome(o);
            } else if (input instanceof PlanRejected p) {
                facts.addRejection(p);
            } else if (input instanceof ReporterSignal s) {
                facts.addSignal(s);
            }
        }
        return facts;
    }

    public static ReporterSignal metricsPushed(SessionKey key, boolean ok, long atSeconds) {
        return ReporterSignal.newBuilder().setKind(SignalKind.CONDITION).setSessionKind(key.getKind().name())
                .setConditionType(ConditionTypes.METRICS_PUSHED).setConditionStatus(ok ? "True" : "False")
                .setReason(ok ? ConditionTypes.SUCCESSFULLY_PUSHED_METRICS : ConditionTypes.FAILED_TO_PUSH_METRICS)
                .setMessage(ok ? "Successfully pushed metrics." : "Failed to push metrics. Reason: connection refused")
                .setAt(at(atSeconds)).setSource("test").build();
    }

    static ReporterSignal condition(SessionKey key, Condition c) {
        return ReporterSignal.newBuilder().setKind(SignalKind.CONDITION).setSessionKind(key.getKind().name())
                .setConditionType(c.getType()).setConditionStatus(c.getStatus()).setReason(c.getReason())
                .setMessage(c.getMessage()).setAt(c.getLastTransitionTime()).setSource("test").build();
    }

    /** The status before the push (must be complete and not final) and after a successful push at 60s. */
    record BeforeAfter(StatusProjector.Projection before, SessionStatus after) {
    }

    static BeforeAfter run(SessionKey key, List<?> inputs) {
        SessionFacts facts = facts(key, inputs);
        StatusProjector.Projection before = StatusProjector.project(facts, GATED);
        facts.addSignal(metricsPushed(key, true, 60));
        return new BeforeAfter(before, StatusProjector.project(facts, GATED).status());
    }

    static Condition condition(List<Condition> conditions, String type) {
        return Conditions.find(conditions, type).orElseThrow(() -> new AssertionError("no condition " + type
                + " in " + conditions));
    }

    @Test
    void allHostsSucceededIsRunningUntilMetricsArePushedThenSucceeded() {
        SessionKey key = backupKey("pg-backup-1");
        Session s = new Session(key);
        List<Object> in = new ArrayList<>(List.of(request(key, 0)));
        in.addAll(s.successfulTarget(0, 5));
        BeforeAfter r = run(key, in);
        assertTrue(r.before().completed());
        assertEquals(Phases.RUNNING, r.before().status().getPhase(), "final only after MetricsPushed");
        assertNull(r.before().status().getSessionDuration());
        TargetStatus target = r.before().status().getTargets().get(0);
        assertEquals(Phases.SUCCEEDED, target.getPhase());
        assertEquals(1, target.getTotalHosts());
        assertEquals(List.of("InitializeBackendRepository"), target.getPreBackupActions());
        assertEquals(List.of("ApplyRetentionPolicy", "VerifyRepositoryIntegrity", "SendRepositoryMetrics"),
                target.getPostBackupActions());
        assertEquals("True", condition(target.getConditions(), "BackupExecutorEnsured").getStatus());
        assertEquals("SuccessfullyEnsuredBackupExecutor", condition(target.getConditions(), "BackupExecutorEnsured").getReason());
        assertEquals("True", condition(r.before().status().getConditions(), "RetentionPolicyApplied").getStatus());
        assertEquals("True", condition(r.before().status().getConditions(), "RepositoryIntegrityVerified").getStatus());

        assertEquals(Phases.SUCCEEDED, r.after().getPhase());
        assertEquals("1m0s", r.after().getSessionDuration(), "creation at 0s, final at 60s");
        assertTrue(r.before().repository().isPresent());
        assertEquals(at(0), r.before().repository().get().sessionCreatedAt());
    }

    @Test
    void oneHostFailedMakesTheTargetAndSessionFailed() {
        SessionKey key = backupKey("pg-backup-2");
        Session s = new Session(key).hosts(2);
        List<Object> in = List.of(request(key, 0),
                s.started(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 1),
                s.updateStatus(0, 30, List.of(host("host-0", "Succeeded", null),
                        host("host-1", "Failed", "pg_dump: connection refused")), null));
        BeforeAfter r = run(key, in);
        assertEquals(Phases.FAILED, r.before().status().getTargets().get(0).getPhase());
        assertEquals(Phases.RUNNING, r.before().status().getPhase());
        assertEquals(Phases.FAILED, r.after().getPhase());
        assertEquals("pg_dump: connection refused", r.after().getTargets().get(0).getStats().get(1).getError());
    }

    @Test
    void aTaskWithoutUpdateStatusEndsWithItsMainContainersHostStat() {
        SessionKey key = backupKey("tar-backup-1");
        Session s = new Session(key);
        StepOutcome main = StepOutcome.newBuilder(s.succeeded(0, 1, "tar-mark-latest-1", StepRole.STEP, 20))
                .setHostStats(List.of(HostStats.newBuilder().setHostname("host-0").setPhase(Phases.SUCCEEDED)
                        .setDuration("1.5s").setError(null).setSnapshots(List.of()).build()))
                .setMainContainer(true).build();
        List<Object> in = List.of(request(key, 0),
                s.started(0, 0, "tar-backup-0", StepRole.STEP, 1),
                s.succeeded(0, 0, "tar-backup-0", StepRole.STEP, 10),
                s.started(0, 1, "tar-mark-latest-1", StepRole.STEP, 11),
                main);
        BeforeAfter r = run(key, in);
        assertTrue(r.before().completed());
        assertEquals(Phases.SUCCEEDED, r.before().status().getTargets().get(0).getPhase());
        assertEquals(Phases.SUCCEEDED, r.after().getPhase());

        // host stats of an init step (restore-pvc's output.json) wait for update-status, as in Stash
        StepOutcome initWithStats = StepOutcome.newBuilder(main).setMainContainer(false).setStepIndex(0)
                .setContainerName("pvc-restore-0").build();
        assertFalse(StatusProjector.project(facts(key, List.of(request(key, 0), initWithStats)), GATED).completed());

        // without the stat (an older executor) the session keeps waiting, as before
        SessionFacts facts = facts(key, List.of(request(key, 0), s.succeeded(0, 1, "tar-mark-latest-1",
                StepRole.STEP, 20)));
        assertFalse(StatusProjector.project(facts, GATED).completed());
    }

    @Test
    void hostsNotAllReportedKeepTheTargetRunning() {
        SessionKey key = backupKey("pg-backup-2b");
        Session s = new Session(key).hosts(2);
        SessionFacts facts = facts(key, List.of(request(key, 0),
                s.updateStatus(0, 30, List.of(host("host-0", "Succeeded", null)), null)));
        StatusProjector.Projection p = StatusProjector.project(facts, GATED);
        assertEquals(Phases.RUNNING, p.status().getTargets().get(0).getPhase());
        assertFalse(p.completed());
    }

    @Test
    void aFailedStepBeforeUpdateStatusFailsTheHostAndEndsTheSession() {
        SessionKey key = backupKey("pg-backup-3");
        Session s = new Session(key);
        List<Object> in = List.of(request(key, 0),
                s.started(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 1),
                s.failed(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 9, "OOMKilled", "signal: killed"));
        BeforeAfter r = run(key, in);
        assertTrue(r.before().completed(), "Stash would stay Running; Stashflow ends the session");
        var stat = r.after().getTargets().get(0).getStats().get(0);
        assertEquals("Failed", stat.getPhase());
        assertEquals("container postgres-backup-16.1-0 exited with code 1 (OOMKilled): signal: killed", stat.getError());
        assertEquals(Phases.FAILED, r.after().getPhase());
    }

    @Test
    void retentionFailureFailsTheSession() {
        SessionKey key = backupKey("pg-backup-4");
        Session s = new Session(key);
        List<Object> in = List.of(request(key, 0),
                s.updateStatus(0, 30, List.of(host("host-0", "Succeeded", null)), repositoryResult(false, true)));
        BeforeAfter r = run(key, in);
        Condition retention = condition(r.after().getConditions(), "RetentionPolicyApplied");
        assertEquals("False", retention.getStatus());
        assertEquals("FailedToApplyRetentionPolicy", retention.getReason());
        assertEquals("Failed to apply retention policy. Reason: unable to create lock in backend", retention.getMessage());
        assertFalse(Conditions.has(r.after().getConditions(), "RepositoryIntegrityVerified"), "actions stop at the first failure");
        assertEquals(Phases.SUCCEEDED, r.after().getTargets().get(0).getPhase());
        assertEquals(Phases.FAILED, r.after().getPhase());
        assertTrue(r.before().repository().isEmpty(), "no integrity result, no Repository update (as Stash)");
    }

    @Test
    void integrityCheckFailureFailsTheSessionAndStillUpdatesTheRepository() {
        SessionKey key = backupKey("pg-backup-5");
        Session s = new Session(key);
        List<Object> in = List.of(request(key, 0),
                s.updateStatus(0, 30, List.of(host("host-0", "Succeeded", null)), repositoryResult(true, false)));
        BeforeAfter r = run(key, in);
        Condition integrity = condition(r.after().getConditions(), "RepositoryIntegrityVerified");
        assertEquals("False", integrity.getStatus());
        assertEquals("Repository integrity verification failed. Reason: Fatal: repository contains errors",
                integrity.getMessage());
        assertEquals(Phases.FAILED, r.after().getPhase());
        assertEquals(Boolean.FALSE, r.before().repository().orElseThrow().integrity());
    }

    @Test
    void deadlineExceededCompletesTheSessionWhichFailsAfterThePush() {
        SessionKey key = backupKey("pg-backup-6");
        Session s = new Session(key).deadline(300);
        SessionFacts facts = facts(key, List.of(request(key, 0),
                s.started(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 2)));
        StatusProjector.Projection running = StatusProjector.project(facts, GATED);
        assertEquals(Phases.RUNNING, running.status().getPhase());
        assertEquals(at(300), running.status().getSessionDeadline());
        assertTrue(SweepPolicy.conditionsToAdd(running.status(), false, facts.lastOutcomeAt(), at(299), Duration.ZERO).isEmpty());
        List<Condition> add = SweepPolicy.conditionsToAdd(running.status(), false, facts.lastOutcomeAt(), at(301),
                Duration.ZERO);
        assertEquals(1, add.size());
        assertEquals("DeadlineExceeded", add.get(0).getType());
        assertEquals("FailedToCompleteWithinDeadline", add.get(0).getReason());
        assertEquals("Failed to complete backup within 5m0s.", add.get(0).getMessage());
        facts.addSignal(condition(key, add.get(0)));
        StatusProjector.Projection exceeded = StatusProjector.project(facts, GATED);
        assertTrue(exceeded.completed());
        assertEquals(Phases.RUNNING, exceeded.status().getPhase());
        facts.addSignal(metricsPushed(key, true, 302));
        SessionStatus done = StatusProjector.project(facts, GATED).status();
        assertEquals(Phases.FAILED, done.getPhase());
        assertEquals("5m2s", done.getSessionDuration());
    }

    @Test
    void silentAgentEndsARunningSession() {
        SessionKey key = backupKey("pg-backup-6b");
        Session s = new Session(key);
        SessionFacts facts = facts(key, List.of(request(key, 0),
                s.started(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 2)));
        SessionStatus running = StatusProjector.project(facts, GATED).status();
        assertTrue(SweepPolicy.conditionsToAdd(running, false, facts.lastOutcomeAt(), at(600), Duration.ofMinutes(10))
                .isEmpty());
        List<Condition> add = SweepPolicy.conditionsToAdd(running, false, facts.lastOutcomeAt(), at(603),
                Duration.ofMinutes(10));
        assertEquals("AgentSilent", add.get(0).getType());
        facts.addSignal(condition(key, add.get(0)));
        facts.addSignal(metricsPushed(key, true, 604));
        assertEquals(Phases.FAILED, StatusProjector.project(facts, GATED).status().getPhase());
    }

    @Test
    void skippedSessionIsSkipped() {
        SessionKey key = backupKey("pg-backup-7");
        SessionFacts facts = facts(key, List.of(request(key, 0), condition(key, Conditions.of("BackupSkipped", true,
                "SkippedTakingNewBackup", "Skipped taking new backup. Reason: Previous BackupSession: pg-backup-6 is"
                        + " \"Running\"", at(1)))));
        SessionStatus status = StatusProjector.project(facts, GATED).status();
        assertEquals(Phases.SKIPPED, status.getPhase());
        assertEquals("1s", status.getSessionDuration());
    }

    @Test
    void aSessionThePlannerSkippedIsSkippedNotFailed() {
        SessionKey key = backupKey("pg-backup-71");
        String reason = "Skipped taking new backup. Reason: Previous BackupSession: pg-backup-70 is \"Running\"";
        PlanRejected skip = PlanRejected.newBuilder(new Session(key).rejected(null, reason, 1)).setSkipped(true).build();
        SessionStatus status = StatusProjector.project(facts(key, List.of(request(key, 0), skip)), GATED).status();
        assertEquals(Phases.SKIPPED, status.getPhase());
        assertTrue(status.getTargets().isEmpty(), "a skip fails no target");
        Condition skipped = condition(status.getConditions(), "BackupSkipped");
        assertEquals("True", skipped.getStatus());
        assertEquals("SkippedTakingNewBackup", skipped.getReason());
        assertEquals(reason, skipped.getMessage());
    }

    @Test
    void rejectedPlanFailsTheTargetWithStashsExecutorCondition() {
        SessionKey key = backupKey("pg-backup-8");
        Session s = new Session(key);
        List<Object> in = List.of(request(key, 0), s.rejected(null,
                "can't resolve Function postgres-backup-16.1: input/default value not found for key REPOSITORY_BUCKET", 1));
        BeforeAfter r = run(key, in);
        TargetStatus target = r.before().status().getTargets().get(0);
        Condition ensured = condition(target.getConditions(), "BackupExecutorEnsured");
        assertEquals("False", ensured.getStatus());
        assertEquals("FailedToEnsureBackupExecutor", ensured.getReason());
        assertEquals("Failed to ensure backup executor. Reason: can't resolve Function postgres-backup-16.1: input/default"
                + " value not found for key REPOSITORY_BUCKET", ensured.getMessage());
        assertEquals(Phases.FAILED, target.getPhase());
        assertTrue(r.before().completed());
        assertEquals(Phases.RUNNING, r.before().status().getPhase());
        assertEquals(Phases.FAILED, r.after().getPhase());
    }

    @Test
    void aSecondTargetNotStartedKeepsTheSessionIncomplete() {
        SessionKey key = backupKey("pg-backup-9");
        Session s = new Session(key).targets(2);
        SessionFacts facts = facts(key, new ArrayList<>(s.successfulTarget(0, 1)));
        StatusProjector.Projection p = StatusProjector.project(facts, GATED);
        assertFalse(p.completed());
        assertEquals(2, p.expectedTargets());
        assertTrue(p.status().getTargets().get(0).getPostBackupActions().isEmpty(), "post actions on the last target only");
        s.successfulTarget(1, 40).forEach(facts::addOutcome);
        assertTrue(StatusProjector.project(facts, GATED).completed());
    }

    @Test
    void metricsPushFailureFailsTheSession() {
        SessionKey key = backupKey("pg-backup-10");
        SessionFacts facts = facts(key, new ArrayList<>(new Session(key).successfulTarget(0, 1)));
        facts.addSignal(metricsPushed(key, false, 70));
        SessionStatus status = StatusProjector.project(facts, GATED).status();
        assertEquals(Phases.FAILED, status.getPhase());
        assertEquals("FailedToPushMetrics", condition(status.getConditions(), "MetricsPushed").getReason());
    }

    @Test
    void preHookFailureFailsTheTarget() {
        SessionKey key = backupKey("pg-backup-11");
        Session s = new Session(key);
        SessionFacts facts = facts(key, List.of(request(key, 0),
                s.failed(0, 0, "pre-task-hook", StepRole.PRE_HOOK, 3, "Error", "psql: FATAL")));
        StatusProjector.Projection p = StatusProjector.project(facts, GATED);
        Condition hook = condition(p.status().getTargets().get(0).getConditions(), "PreBackupHookExecutionSucceeded");
        assertEquals("False", hook.getStatus());
        assertEquals("Failed to execute preBackup hook. Reason: container pre-task-hook exited with code 1 (Error): psql:"
                + " FATAL", hook.getMessage());
        assertEquals(Phases.FAILED, p.status().getTargets().get(0).getPhase());
        assertTrue(p.completed());
    }

    @Test
    void withoutAPushgatewayACompletedSessionIsFinalAtOnce() {
        SessionKey key = backupKey("pg-backup-12");
        List<Object> in = new ArrayList<>(List.of(request(key, 0)));
        in.addAll(new Session(key).successfulTarget(0, 5));
        SessionStatus status = StatusProjector.project(facts(key, in), new StatusProjector.Settings(false)).status();
        assertEquals(Phases.SUCCEEDED, status.getPhase());
        assertEquals("35s", status.getSessionDuration());
        assertEquals("True", condition(status.getConditions(), "MetricsPushed").getStatus());
    }

    @Test
    void restoreSucceedsAfterMetricsAndFailsAtOnceWhenItsExecutorCannotBeEnsured() {
        SessionKey key = restoreKey("pg-restore-1");
        Session s = new Session(key);
        BeforeAfter ok = run(key, List.of(request(key, 0),
                s.started(0, 0, "postgres-restore-16.1-0", StepRole.STEP, 1),
                s.updateStatus(0, 20, List.of(host("host-0", "Succeeded", null)), null)));
        assertEquals(Phases.RUNNING, ok.before().status().getPhase());
        assertEquals(Phases.SUCCEEDED, ok.after().getPhase());
        assertEquals(1, ok.after().getTotalHosts());
        assertEquals("True", condition(ok.after().getTargets().get(0).getConditions(), "RestoreExecutorEnsured").getStatus());

        SessionKey bad = restoreKey("pg-restore-2");
        SessionStatus failed = StatusProjector.project(facts(bad, List.of(request(bad, 0),
                new Session(bad).rejected(0, "Task postgres-restore-16.1 not found", 2))), GATED).status();
        assertEquals(Phases.FAILED, failed.getPhase(), "Stash's restore fails at once on RestoreExecutorEnsured=False");
        assertEquals("Failed to ensure restore executor. Reason: Task postgres-restore-16.1 not found",
                condition(failed.getTargets().get(0).getConditions(), "RestoreExecutorEnsured").getMessage());
    }

    @Test
    void finalPhaseAndDurationAreWriteOnce() {
        SessionKey key = backupKey("pg-backup-13");
        List<Object> in = new ArrayList<>(List.of(request(key, 0)));
        in.addAll(new Session(key).successfulTarget(0, 5));
        SessionFacts facts = facts(key, in);
        facts.addSignal(metricsPushed(key, true, 40));
        SessionStatus done = StatusProjector.project(facts, GATED).status();
        facts.freeze(done.getPhase(), done.getSessionDuration());
        // a late failure of another attempt arrives after the session was final
        facts.addOutcome(new Session(key).attempt(2).failed(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 90,
                "Error", "late"));
        SessionStatus later = StatusProjector.project(facts, GATED).status();
        assertEquals(Phases.SUCCEEDED, later.getPhase());
        assertEquals("40s", later.getSessionDuration());
    }

    @Test
    void updateStatusWithoutHostStatsFailsItsHost() {
        SessionKey key = backupKey("pg-backup-14");
        Session s = new Session(key);
        SessionStatus status = StatusProjector.project(facts(key, List.of(s.updateStatus(0, 30, List.of(), null))),
                GATED).status();
        assertEquals("Failed", status.getTargets().get(0).getStats().get(0).getPhase());
        assertEquals(Optional.empty(), Optional.ofNullable(status.getSessionDuration()));
    }
}
