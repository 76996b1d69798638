package io.stashflow.planner.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Stash's skip and pending rules as a pure function (semantics notes 6.2, 6.3). */
class ConcurrencyRulesTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final TargetKey PG = new TargetKey("AppBinding", "demo", "pg");
    private static final TargetKey PG_A = new TargetKey("AppBinding", "demo", "pg-a");
    private static final TargetKey PG_B = new TargetKey("AppBinding", "demo", "pg-b");
    private static final String BC = "BackupConfiguration";

    private static InvokerView config(String name, TargetKey target, boolean paused, boolean shared) {
        return new InvokerView(BC, "demo", name, paused, false, List.of(target), shared ? Set.of(target) : Set.of());
    }

    private static InvokerView batch(String name, boolean sequential, TargetKey... targets) {
        return new InvokerView("BackupBatch", "demo", name, false, sequential, List.of(targets), Set.of());
    }

    /** A new session of {@code invoker}, requested {@code seconds} after T0, with one slot per target. */
    private static TrackedSession session(String name, InvokerView invoker, long seconds) {
        List<TargetSlot> slots = new ArrayList<>();
        for (int i = 0; i < invoker.targets().size(); i++) {
            slots.add(TargetSlot.waiting(i, invoker.targets().get(i)));
        }
        return TrackedSession.requested(name, SessionType.BACKUP, invoker.kind(), invoker.name(),
                T0.plusSeconds(seconds), 0, null, Map.of()).withTargets(slots);
    }

    private static TrackedSession planned(TrackedSession session) {
        List<Integer> all = session.targets().stream().map(TargetSlot::index).toList();
        return session.withPlanned(all);
    }

    @Nested
    class Skip {

        @Test
        void aSessionOfAPausedInvokerIsSkipped() {
            InvokerView invoker = config("pg-backup", PG, true, false);
            var decision = ConcurrencyRules.decide(session("s1", invoker, 0), List.of(), invoker, T0);
            assertTrue(decision.skipped());
            assertEquals("Skipped taking backup. Reason: BackupConfiguration demo/pg-backup is paused.",
                    decision.skipReason());
            assertEquals("spec.paused", decision.skipFieldPath());
            assertTrue(decision.release().isEmpty());
        }

        @Test
        void aSessionIsSkippedWhileAnotherSessionOfTheSameInvokerIsReportedRunning() {
            InvokerView invoker = config("pg-backup", PG, false, false);
            TrackedSession running = planned(session("pg-backup-1", invoker, 0)).withReport("Running", T0);
            var decision = ConcurrencyRules.decide(session("pg-backup-2", invoker, 10), List.of(running), invoker,
                    T0.plusSeconds(10));
            assertTrue(decision.skipped());
            assertEquals("Skipped taking new backup. Reason: Previous BackupSession: pg-backup-1 is \"Running\".",
                    decision.skipReason());
            assertNull(decision.skipFieldPath());
        }

        @Test
        void onlyTheReportersRunningCountsForSkipping() {
            InvokerView invoker = config("pg-backup", PG, false, false);
            TrackedSession plannedOnly = planned(session("pg-backup-1", invoker, 0));
            TrackedSession pendingReported = planned(session("pg-backup-0", invoker, 0)).withReport("Pending", T0);
            TrackedSession finished = planned(session("pg-backup-00", invoker, 0)).withReport("Succeeded", T0);
            var decision = ConcurrencyRules.decide(session("pg-backup-2", invoker, 10),
                    List.of(plannedOnly, pendingReported, finished), invoker, T0.plusSeconds(10));
            assertFalse(decision.skipped());
            assertEquals(List.of(0), decision.release());
        }

        @Test
        void aRunningSessionOfAnotherInvokerDoesNotSkip() {
            InvokerView mine = config("pg-backup", PG_A, false, false);
            InvokerView other = config("other", PG_B, false, false);
            TrackedSession running = planned(session("other-1", other, 0)).withReport("Running", T0);
            var decision = ConcurrencyRules.decide(session("pg-backup-1", mine, 1), List.of(running), mine,
                    T0.plusSeconds(1));
            assertFalse(decision.skipped());
            assertEquals(List.of(0), decision.release());
        }

        @Test
        void aSessionWithPlannedTargetsIsNeverSkippedAfterwards() {
            InvokerView invoker = batch("nightly", true, PG_A, PG_B);
            TrackedSession started = session("nightly-1", invoker, 0).withPlanned(List.of(0))
                    .withReport("Running", T0);
            InvokerView pausedNow = new InvokerView("BackupBatch", "demo", "nightly", true, true,
                    List.of(PG_A, PG_B), Set.of());
            var decision = ConcurrencyRules.decide(started.withTargetPhases(Map.of(PG_A, "Succeeded")),
                    List.of(started), pausedNow, T0.plusSeconds(60));
            assertFalse(decision.skipped(), "pausing does not abort a session that already runs");
            assertEquals(List.of(1), decision.release());
        }
    }

    @Nested
    class SequentialBatch {

        @Test
        void onlyTheFirstMemberStartsThenEachAfterThePreviousCompleted() {
            InvokerView invoker = batch("nightly", true, PG_A, PG_B, PG);
            TrackedSession fresh = session("nightly-1", invoker, 0);
            var first = ConcurrencyRules.decide(fresh, List.of(), invoker, T0);
            assertEquals(List.of(0), first.release());
            assertEquals("Backup order is sequential and some previous targets hasn't completed their backup process.",
                    first.waitReason());

            TrackedSession afterFirst = fresh.withPlanned(List.of(0));
            assertEquals(List.of(), ConcurrencyRules.decide(afterFirst.withTargetPhases(Map.of(PG_A, "Running")),
                    List.of(), invoker, T0).release());
            var second = ConcurrencyRules.decide(afterFirst.withTargetPhases(Map.of(PG_A, "Failed")), List.of(),
                    invoker, T0);
            assertEquals(List.of(1), second.release(), "a failed member counts as completed, as in Stash");

            TrackedSession afterSecond = afterFirst.withPlanned(List.of(1))
                    .withTargetPhases(Map.of(PG_A, "Failed", PG_B, "Succeeded"));
            var third = ConcurrencyRules.decide(afterSecond, List.of(), invoker, T0);
            assertEquals(List.of(2), third.release());
            assertNull(third.waitReason());
        }

        @Test
        void aParallelBatchReleasesAllMembers() {
            InvokerView invoker = batch("nightly", false, PG_A, PG_B, PG);
            var decision = ConcurrencyRules.decide(session("nightly-1", invoker, 0), List.of(), invoker, T0);
            assertEquals(List.of(0, 1, 2), decision.release());
            assertNull(decision.waitReason());
        }
    }

    @Nested
    class SharedTarget {

        @Test
        void withoutAnotherInvokerOfTheTargetThereIsNoWait() {
            InvokerView invoker = config("pg-backup", PG, false, false);
            var decision = ConcurrencyRules.decide(session("s1", invoker, 0), List.of(), invoker, T0);
            assertEquals(List.of(0), decision.release());
        }

        @Test
        void aYoungSessionWaitsTwoSecondsForConcurrentSessionsToAppear() {
            InvokerView invoker = config("pg-backup", PG, false, true);
            TrackedSession s = session("s1", invoker, 0);
            var young = ConcurrencyRules.decide(s, List.of(), invoker, T0.plusMillis(1999));
            assertTrue(young.release().isEmpty());
            assertEquals("Multiple backup invoker found. Will be processed in the next requeue to handle concurrent"
                    + " session.", young.waitReason());
            assertEquals(List.of(0), ConcurrencyRules.decide(s, List.of(), invoker, T0.plusSeconds(2)).release());
        }

        @Test
        void aSessionWaitsWhileAnotherInvokersSessionOfTheTargetRunsOrWasPlanned() {
            InvokerView mine = config("pg-hourly", PG, false, true);
            InvokerView other = config("pg-backup", PG, false, true);
            TrackedSession candidate = session("pg-hourly-1", mine, 100);
            Instant now = T0.plusSeconds(200);

            TrackedSession reportedRunning = session("pg-backup-9", other, 150).withReport("Running", now);
            var decision = ConcurrencyRules.decide(candidate, List.of(reportedRunning), mine, now);
            assertTrue(decision.release().isEmpty());
            assertEquals("Found another incomplete BackupSession demo/pg-backup-9 invoked by"
                    + " BackupConfiguration/pg-backup", decision.waitReason());

            TrackedSession plannedYounger = planned(session("pg-backup-9", other, 150));
            assertTrue(ConcurrencyRules.decide(candidate, List.of(plannedYounger), mine, now).release().isEmpty(),
                    "a planned session runs even before the reporter says so");

            TrackedSession ended = plannedYounger.withReport("Succeeded", now);
            assertEquals(List.of(0), ConcurrencyRules.decide(candidate, List.of(ended), mine, now).release());
            TrackedSession rejected = session("pg-backup-9", other, 50).withStage(Stage.REJECTED);
            assertEquals(List.of(0), ConcurrencyRules.decide(candidate, List.of(rejected), mine, now).release());
        }

        @Test
        void ofTwoWaitingSessionsTheOlderGoesFirstAndEqualTimesGoByName() {
            InvokerView a = config("bc-a", PG, false, true);
            InvokerView b = config("bc-b", PG, false, true);
            Instant now = T0.plusSeconds(100);
            TrackedSession older = session("bc-b-1", b, 10);
            TrackedSession younger = session("bc-a-1", a, 20);
            assertEquals(List.of(0), ConcurrencyRules.decide(older, List.of(younger), b, now).release());
            assertTrue(ConcurrencyRules.decide(younger, List.of(older), a, now).release().isEmpty());

            TrackedSession sameTimeA = session("bc-a-1", a, 10);
            TrackedSession sameTimeB = session("bc-b-1", b, 10);
            assertEquals(List.of(0), ConcurrencyRules.decide(sameTimeA, List.of(sameTimeB), a, now).release(),
                    "bc-a-1 < bc-b-1");
            assertTrue(ConcurrencyRules.decide(sameTimeB, List.of(sameTimeA), b, now).release().isEmpty());
        }

        @Test
        void aRunningRivalComesBeforeAnOlderWaitingOne() {
            InvokerView mine = config("bc-c", PG, false, true);
            InvokerView b = config("bc-b", PG, false, true);
            InvokerView a = config("bc-a", PG, false, true);
            Instant now = T0.plusSeconds(100);
            TrackedSession olderWaiting = session("bc-a-1", a, 1);
            TrackedSession running = planned(session("bc-b-1", b, 50));
            var decision = ConcurrencyRules.decide(session("bc-c-1", mine, 10), List.of(olderWaiting, running), mine,
                    now);
            assertEquals("Found another incomplete BackupSession demo/bc-b-1 invoked by BackupConfiguration/bc-b",
                    decision.waitReason());
        }

        @Test
        void sessionsOfTheSameInvokerAreNotRivals() {
            InvokerView invoker = config("pg-backup", PG, false, true);
            TrackedSession earlier = planned(session("pg-backup-1", invoker, 0));
            assertEquals(List.of(0), ConcurrencyRules.decide(session("pg-backup-2", invoker, 5), List.of(earlier),
                    invoker, T0.plusSeconds(10)).release());
        }

        @Test
        void anotherTargetOfTheRivalDoesNotMatter() {
            InvokerView mine = config("bc-a", PG_A, false, true);
            InvokerView other = config("bc-b", PG_B, false, true);
            TrackedSession running = planned(session("bc-b-1", other, 0));
            assertEquals(List.of(0), ConcurrencyRules.decide(session("bc-a-1", mine, 5), List.of(running), mine,
                    T0.plusSeconds(10)).release());
        }
    }
}
