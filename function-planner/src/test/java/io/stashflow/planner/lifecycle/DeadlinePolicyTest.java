package io.stashflow.planner.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeadlinePolicyTest {

    private static final Instant CREATED = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void theDeadlineIsTheCreationTimePlusTimeOut() {
        assertEquals(Optional.of(Instant.parse("2026-03-01T10:30:00Z")), DeadlinePolicy.deadline(CREATED, "30m"));
        assertEquals(Optional.of(Instant.parse("2026-03-01T11:30:05Z")), DeadlinePolicy.deadline(CREATED, "1h30m5s"));
    }

    @Test
    void withoutAPositiveTimeOutThereIsNoDeadline() {
        assertEquals(Optional.empty(), DeadlinePolicy.deadline(CREATED, null));
        assertEquals(Optional.empty(), DeadlinePolicy.deadline(CREATED, ""));
        assertEquals(Optional.empty(), DeadlinePolicy.deadline(CREATED, "0s"));
        assertEquals(Optional.empty(), DeadlinePolicy.deadline(CREATED, "-5m"));
    }

    @Test
    void anInvalidTimeOutIsAnError() {
        var e = assertThrows(GoDuration.InvalidDurationException.class, () -> DeadlinePolicy.deadline(CREATED, "2d"));
        assertEquals("time: unknown unit \"d\" in duration \"2d\"", e.getMessage());
    }
}
