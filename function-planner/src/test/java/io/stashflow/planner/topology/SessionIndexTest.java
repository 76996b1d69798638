package io.stashflow.planner.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.planner.lifecycle.InvokerView;
import io.stashflow.planner.lifecycle.SessionType;
import io.stashflow.planner.lifecycle.Stage;
import io.stashflow.planner.lifecycle.TargetKey;
import io.stashflow.planner.lifecycle.TargetSlot;
import io.stashflow.planner.lifecycle.TrackedSession;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionIndexTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final TargetKey PG = new TargetKey("AppBinding", "demo", "pg");
    private static final TargetKey MYSQL = new TargetKey("AppBinding", "demo", "mysql");

    private final SessionIndex index = new SessionIndex();

    private static TrackedSession session(String name, String invoker, TargetKey target, long seconds) {
        return TrackedSession.requested(name, SessionType.BACKUP, "BackupConfiguration", invoker,
                T0.plusSeconds(seconds), 0, null, Map.of()).withTargets(List.of(TargetSlot.waiting(0, target)));
    }

    private static InvokerView view(String invoker, TargetKey target, boolean shared) {
        return new InvokerView("BackupConfiguration", "demo", invoker, false, false, List.of(target),
                shared ? Set.of(target) : Set.of());
    }

    private void put(TrackedSession s) {
        index.update("c1", "demo", s.name(), s);
    }

    private List<String> relevant(TrackedSession candidate, InvokerView invoker) {
        return index.relevantTo("c1", "demo", candidate, invoker).stream().map(TrackedSession::name).sorted().toList();
    }

    @Test
    void onlyRunningSessionsOfTheSameInvokerAndIncompleteSessionsOfSharedTargetsAreRelevant() {
        put(session("a-1", "a", PG, 0).withPlanned(List.of(0)).withReport("Running", T0));
        put(session("a-2", "a", PG, 1).withPlanned(List.of(0)));
        put(session("b-1", "b", PG, 2));
        put(session("c-1", "c", MYSQL, 3).withPlanned(List.of(0)).withReport("Running", T0));

        TrackedSession candidate = session("a-3", "a", PG, 10);
        assertEquals(List.of("a-1"), relevant(candidate, view("a", PG, false)));
        assertEquals(List.of("a-1", "a-2", "b-1"), relevant(candidate, view("a", PG, true)));
    }

    @Test
    void endedSkippedAndRejectedSessionsLeaveTheIndexes() {
        TrackedSession running = session("a-1", "a", PG, 0).withPlanned(List.of(0)).withReport("Running", T0);
        put(running);
        put(session("b-1", "b", PG, 1).withStage(Stage.REJECTED));
        put(session("b-2", "b", PG, 2).withStage(Stage.SKIPPED));
        assertEquals(1, index.size());

        put(running.withReport("Succeeded", T0.plusSeconds(5)));
        assertEquals(0, index.size());
        assertEquals(List.of(), relevant(session("a-3", "a", PG, 10), view("a", PG, true)));
    }

    @Test
    void waitingSessionsAreListedOldestFirstPerNamespace() {
        put(session("late", "a", PG, 20));
        put(session("early", "b", PG, 5));
        put(session("planned", "c", MYSQL, 1).withPlanned(List.of(0)));
        index.update("c1", "other", "x", session("x", "d", PG, 0));

        assertEquals(List.of("early", "late"),
                index.waiting("c1", "demo").stream().map(TrackedSession::name).toList());
        assertEquals(Set.of("c1/demo", "c1/other"), index.namespacesWithWaitingSessions());
        index.update("c1", "other", "x", null);
        assertEquals(Set.of("c1/demo"), index.namespacesWithWaitingSessions());
    }

    @Test
    void dueRetriesAreFoundUntilTheyAreIssued() {
        TrackedSession failed = session("a-1", "a", PG, 0).withPlanned(List.of(0)).withReport("Failed", T0)
                .withRetryDue(T0.plusSeconds(60));
        put(failed);
        assertTrue(index.dueRetries(T0.plusSeconds(59).toEpochMilli()).isEmpty());
        assertEquals(List.of("c1/demo/a-1"), index.dueRetries(T0.plusSeconds(60).toEpochMilli()));
        put(failed.asRetried());
        assertTrue(index.dueRetries(T0.plusSeconds(600).toEpochMilli()).isEmpty());
    }
}
