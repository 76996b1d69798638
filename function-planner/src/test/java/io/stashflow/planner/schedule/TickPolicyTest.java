package io.stashflow.planner.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TickPolicyTest {

    private static final Instant ANCHOR = Instant.parse("2026-03-01T10:00:00Z");
    private static final String KEY = "c1/BackupConfiguration/demo/pg-backup";

    private static TickPolicy.Decision decide(String schedule, Instant lastTick, boolean paused, Instant now,
                                              ScheduleJitter jitter) {
        return TickPolicy.decide(KEY, CronSchedules.parse(schedule, ANCHOR), jitter,
                new TickPolicy.ScheduleState(ANCHOR, lastTick), paused, now);
    }

    @Test
    void nothingFiresBeforeTheFirstTickAfterTheAnchor() {
        var d = decide("*/5 * * * *", null, false, Instant.parse("2026-03-01T10:04:59Z"), ScheduleJitter.none());
        assertEquals(Optional.empty(), d.fire());
        assertEquals(Optional.of(Instant.parse("2026-03-01T10:05:00Z")), d.nextCheckAt());
        assertEquals(new TickPolicy.ScheduleState(ANCHOR, null), d.state());
    }

    @Test
    void aDueTickFiresOnceAndIsRemembered() {
        Instant now = Instant.parse("2026-03-01T10:05:00.200Z");
        var d = decide("*/5 * * * *", null, false, now, ScheduleJitter.none());
        assertEquals(Optional.of(Instant.parse("2026-03-01T10:05:00Z")), d.fire());
        assertEquals(d.fire(), d.fireAt());
        assertEquals(0, d.dropped());
        assertEquals(Instant.parse("2026-03-01T10:05:00Z"), d.state().lastTick());
        assertEquals(Optional.of(Instant.parse("2026-03-01T10:10:00Z")), d.nextCheckAt());

        var again = TickPolicy.decide(KEY, CronSchedules.parse("*/5 * * * *", ANCHOR), ScheduleJitter.none(),
                d.state(), false, now.plusSeconds(30));
        assertEquals(Optional.empty(), again.fire());
    }

    @Test
    void missedTicksCollapseIntoTheMostRecentOne() {
        var d = decide("*/5 * * * *", Instant.parse("2026-03-01T10:05:00Z"), false,
                Instant.parse("2026-03-01T12:07:00Z"), ScheduleJitter.none());
        assertEquals(Optional.of(Instant.parse("2026-03-01T12:05:00Z")), d.fire());
        assertEquals(23, d.dropped(), "10:10 .. 12:00");
        assertEquals(Optional.of(Instant.parse("2026-03-01T12:10:00Z")), d.nextCheckAt());
    }

    @Test
    void missedEveryTicksAreFoundWithoutStepping() {
        var d = decide("@every 1s", null, false, ANCHOR.plus(Duration.ofDays(30)), ScheduleJitter.none());
        assertEquals(Optional.of(ANCHOR.plus(Duration.ofDays(30))), d.fire());
        assertEquals(30L * 24 * 3600 - 1, d.dropped());
    }

    @Test
    void pausedInvokersDropDueTicks() {
        var d = decide("*/5 * * * *", null, true, Instant.parse("2026-03-01T10:16:00Z"), ScheduleJitter.none());
        assertEquals(Optional.empty(), d.fire());
        assertEquals(3, d.dropped());
        assertEquals(Instant.parse("2026-03-01T10:15:00Z"), d.state().lastTick());
    }

    @Test
    void jitterDelaysTheDueTimeAndTheNameButNotTheTick() {
        ScheduleJitter jitter = new ScheduleJitter(Duration.ofMinutes(20));
        Schedule hourly = CronSchedules.parse("@hourly", ANCHOR);
        Duration delay = jitter.delay(KEY, hourly, Instant.parse("2026-03-01T11:00:00Z"));
        assertTrue(delay.compareTo(Duration.ZERO) > 0 && delay.compareTo(Duration.ofMinutes(20)) < 0, delay::toString);

        Instant tick = Instant.parse("2026-03-01T11:00:00Z");
        var early = decide("@hourly", null, false, tick.plus(delay).minusMillis(1), jitter);
        assertEquals(Optional.empty(), early.fire());
        assertEquals(Optional.of(tick.plus(delay)), early.nextCheckAt());
        var due = decide("@hourly", null, false, tick.plus(delay), jitter);
        assertEquals(Optional.of(tick), due.fire());
        assertEquals(Optional.of(tick.plus(delay)), due.fireAt());
    }

    @Test
    void jitterIsDeterministicPerInvokerAndBoundedByHalfTheGap() {
        ScheduleJitter jitter = new ScheduleJitter(Duration.ofHours(5));
        Schedule every10m = CronSchedules.parse("*/10 * * * *", ANCHOR);
        Instant tick = Instant.parse("2026-03-01T10:10:00Z");
        long seen = 0;
        for (int i = 0; i < 200; i++) {
            Duration d = jitter.delay("c1/BackupConfiguration/demo/bc-" + i, every10m, tick);
            assertTrue(d.compareTo(Duration.ofMinutes(5)) < 0, "never more than half the 10 minute gap: " + d);
            assertEquals(d, jitter.delay("c1/BackupConfiguration/demo/bc-" + i, every10m, tick));
            seen |= 1L << (d.toMillis() * 60 / Duration.ofMinutes(5).toMillis());
        }
        assertTrue(Long.bitCount(seen) > 40, "200 invokers spread over the window");
        assertEquals(Duration.ZERO, ScheduleJitter.none().delay("x", every10m, tick));
    }
}
