package io.stashflow.reporter.core;

import static io.stashflow.reporter.Fixtures.at;
import static io.stashflow.reporter.Fixtures.backupKey;
import static io.stashflow.reporter.Fixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.StepRole;
import io.stashflow.reporter.Fixtures.Session;
import io.stashflow.reporter.events.ReporterSignal;
import io.stashflow.reporter.events.SignalKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Stash's retry rule (semantics notes 6.4), reporter side: the session a retry names in {@code retryOf} gets
 * {@code retried: true} and {@code nextRetry}, and nothing else about it changes.
 */
class RetriedSessionTest {

    static ReporterSignal retried(SessionKey failed, String retryName, long atSeconds) {
        return ReporterSignal.newBuilder().setKind(SignalKind.RETRIED).setSessionKind(failed.getKind().name())
                .setMessage(retryName).setAt(at(atSeconds)).setSource("test").build();
    }

    /** A backup whose only step failed at 20s, metrics pushed at 60s: Failed, 1m0s. */
    static SessionFacts failedSession(SessionKey key) {
        Session s = new Session(key);
        SessionFacts facts = PhaseTableTest.facts(key, List.of(request(key, 0),
                s.started(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 1),
                s.failed(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 20, "Error", "dump failed")));
        facts.addSignal(PhaseTableTest.metricsPushed(key, true, 60));
        return facts;
    }

    @Test
    void aFailedSessionIsMarkedRetriedWithTheRetrysRequestTimeAsNextRetry() {
        SessionKey key = backupKey("pg-backup-1");
        SessionFacts facts = failedSession(key);
        SessionStatus before = StatusProjector.project(facts, PhaseTableTest.GATED).status();
        assertEquals(Phases.FAILED, before.getPhase());
        assertNull(before.getRetried());
        assertNull(before.getNextRetry());

        assertTrue(facts.addSignal(retried(key, "pg-backup-400", 400)));
        SessionStatus after = StatusProjector.project(facts, PhaseTableTest.GATED).status();
        assertEquals(Boolean.TRUE, after.getRetried());
        assertEquals(at(400), after.getNextRetry());
        assertEquals(at(400), after.getUpdatedAt(), "the status changed when the retry was requested");
        assertEquals(Phases.FAILED, after.getPhase());
        assertEquals(before.getSessionDuration(), after.getSessionDuration(), "the retry is not part of the work");
        assertEquals(before.getConditions().toString(), after.getConditions().toString());
        assertEquals(before.getTargets().toString(), after.getTargets().toString());
    }

    @Test
    void retriedAndNextRetryAreWriteOnceTheEarliestRetryCountsWhateverTheOrder() {
        SessionKey key = backupKey("pg-backup-2");
        SessionFacts lateFirst = failedSession(key);
        assertTrue(lateFirst.addSignal(retried(key, "pg-backup-500", 500)));
        assertTrue(lateFirst.addSignal(retried(key, "pg-backup-400", 400)));
        assertFalse(lateFirst.addSignal(retried(key, "pg-backup-400", 400)), "a redelivered retry changes nothing");

        SessionFacts earlyFirst = failedSession(key);
        assertTrue(earlyFirst.addSignal(retried(key, "pg-backup-400", 400)));
        assertFalse(earlyFirst.addSignal(retried(key, "pg-backup-500", 500)));

        SessionStatus a = StatusProjector.project(lateFirst, PhaseTableTest.GATED).status();
        SessionStatus b = StatusProjector.project(earlyFirst, PhaseTableTest.GATED).status();
        assertEquals(at(400), a.getNextRetry());
        assertTrue(AvroValues.same(a, b));
    }

    @Test
    void theRetryMarkIsNotAConditionAndSurvivesTheStore() {
        SessionKey key = backupKey("pg-backup-3");
        SessionFacts facts = failedSession(key);
        facts.addSignal(retried(key, "pg-backup-400", 400));
        SessionStatus status = StatusProjector.project(facts, PhaseTableTest.GATED).status();
        assertEquals(List.of("MetricsPushed"), status.getConditions().stream().map(c -> c.getType()).toList());

        SessionFacts restored = SessionFacts.restore(facts.snapshot());
        assertEquals("pg-backup-400", restored.retry().getMessage());
        assertTrue(AvroValues.same(status, StatusProjector.project(restored, PhaseTableTest.GATED).status()));
    }

    @Test
    void aRetryMarkAloneSaysNothingAboutTheSession() {
        SessionKey key = backupKey("pg-backup-4");
        SessionFacts facts = new SessionFacts(key);
        facts.addSignal(retried(key, "pg-backup-400", 400));
        assertFalse(facts.knowsSession(), "the session's own facts have not arrived");
        facts.addRequest(request(key, 0));
        assertTrue(facts.knowsSession());
    }
}
