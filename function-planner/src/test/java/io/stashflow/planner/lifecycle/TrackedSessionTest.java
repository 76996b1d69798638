package io.stashflow.planner.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrackedSessionTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final TargetKey PG = new TargetKey("AppBinding", "demo", "pg");

    private static TrackedSession fresh() {
        return TrackedSession.requested("pg-backup-1", SessionType.BACKUP, "BackupConfiguration", "pg-backup", T0, 2,
                null, Map.of("app", "pg")).withTargets(List.of(TargetSlot.waiting(0, PG)));
    }

    @Test
    void aRequestedSessionWaitsUntilItsTargetsArePlanned() {
        TrackedSession s = fresh();
        assertTrue(s.waiting());
        assertTrue(s.incomplete());
        assertFalse(s.anyPlanned());
        TrackedSession planned = s.withPlanned(List.of(0));
        assertFalse(planned.waiting());
        assertTrue(planned.incomplete());
        assertEquals(Stage.PLANNED, planned.stage());
    }

    @Test
    void aFinalReportEndsTheSessionWhateverItsStage() {
        for (String phase : List.of("Succeeded", "Failed", "Skipped", "Unknown", "Invalid")) {
            TrackedSession ended = fresh().withReport(phase, T0);
            assertTrue(ended.ended(), phase);
            assertFalse(ended.waiting(), phase);
            assertFalse(ended.incomplete(), phase);
        }
        assertFalse(fresh().withReport("Running", T0).ended());
    }

    @Test
    void skippedAndRejectedSessionsAreNotIncomplete() {
        assertFalse(fresh().withStage(Stage.SKIPPED).incomplete());
        assertFalse(fresh().withStage(Stage.REJECTED).incomplete());
        assertFalse(fresh().withStage(Stage.REJECTED).waiting());
    }

    @Test
    void targetPhasesAreMatchedByRef() {
        TrackedSession s = fresh().withTargetPhases(Map.of(PG, "Succeeded",
                new TargetKey("AppBinding", "demo", "other"), "Failed"));
        assertEquals("Succeeded", s.targets().get(0).phase());
        assertTrue(s.targets().get(0).complete());
    }

    @Test
    void itSurvivesTheStoresJsonRoundTrip() throws Exception {
        ObjectMapper json = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        TrackedSession s = fresh().withPlanned(List.of(0)).withReport("Failed", T0.plusSeconds(5))
                .withRetryDue(T0.plusSeconds(65)).withWaitingFor("reason");
        assertEquals(s, json.readValue(json.writeValueAsBytes(s), TrackedSession.class));
        assertEquals(s.asRetried(), json.readValue(json.writeValueAsBytes(s.asRetried()), TrackedSession.class));
    }
}
