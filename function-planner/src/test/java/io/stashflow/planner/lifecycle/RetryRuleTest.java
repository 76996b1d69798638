package io.stashflow.planner.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryRuleTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private static TrackedSession session(SessionType type, int retryLeft) {
        return TrackedSession.requested("pg-backup-1", type, "BackupConfiguration", "pg-backup", T0, retryLeft, null,
                Map.of());
    }

    @Test
    void retryLeftOfANewSessionFollowsStashDefaults() {
        assertEquals(0, RetryRule.initialRetryLeft(false, null), "no retryConfig, no retries");
        assertEquals(0, RetryRule.initialRetryLeft(false, 5), "maxRetry without retryConfig cannot exist");
        assertEquals(1, RetryRule.initialRetryLeft(true, null), "Stash defaults maxRetry to 1");
        assertEquals(3, RetryRule.initialRetryLeft(true, 3));
        assertEquals(0, RetryRule.initialRetryLeft(true, 0));
        assertEquals(0, RetryRule.initialRetryLeft(true, -2));
    }

    @Test
    void aFailedBackupWithRetriesLeftIsDueAfterTheDelay() {
        Instant failedAt = T0.plusSeconds(100);
        assertEquals(Optional.of(failedAt.plusSeconds(60)),
                RetryRule.retryDue(session(SessionType.BACKUP, 1), "Failed", failedAt, Duration.ofMinutes(1)));
        assertEquals(Optional.of(failedAt),
                RetryRule.retryDue(session(SessionType.BACKUP, 1), "Failed", failedAt, Duration.ZERO));
        assertEquals(Optional.of(failedAt),
                RetryRule.retryDue(session(SessionType.BACKUP, 1), "Failed", failedAt, null));
    }

    @Test
    void noRetryWithoutFailureRetriesOrForRestores() {
        Instant at = T0.plusSeconds(5);
        assertEquals(Optional.empty(), RetryRule.retryDue(session(SessionType.BACKUP, 1), "Succeeded", at, Duration.ZERO));
        assertEquals(Optional.empty(), RetryRule.retryDue(session(SessionType.BACKUP, 1), "Skipped", at, Duration.ZERO));
        assertEquals(Optional.empty(), RetryRule.retryDue(session(SessionType.BACKUP, 0), "Failed", at, Duration.ZERO));
        assertEquals(Optional.empty(), RetryRule.retryDue(session(SessionType.RESTORE, 1), "Failed", at, Duration.ZERO));
    }

    @Test
    void aSessionIsRetriedOnceAndItsDueTimeIsFixedOnce() {
        TrackedSession scheduled = session(SessionType.BACKUP, 2).withRetryDue(T0.plusSeconds(60));
        assertEquals(Optional.empty(), RetryRule.retryDue(scheduled, "Failed", T0.plusSeconds(500), Duration.ZERO),
                "a later Failed status does not move the due time");
        assertFalse(RetryRule.due(scheduled, T0.plusSeconds(59)));
        assertTrue(RetryRule.due(scheduled, T0.plusSeconds(60)));
        TrackedSession retried = scheduled.asRetried();
        assertFalse(RetryRule.due(retried, T0.plusSeconds(600)));
        assertEquals(Optional.empty(), RetryRule.retryDue(retried, "Failed", T0, Duration.ZERO));
    }

    @Test
    void retrySessionsAreNamedLikeStashNamesScheduledOnes() {
        assertEquals("pg-backup-1772359200", SessionNames.of("pg-backup", T0));
        assertEquals("pg-backup-1772359200", SessionNames.of("pg-backup", T0.plusMillis(999)),
                "two sessions in one second get one name");
    }
}
