package io.stashflow.planner.schedule;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * An optional delay added to each tick, to spread the sessions of a fleet whose BackupConfigurations all say
 * {@code 0 * * * *} over a window instead of starting them in the same second.
 *
 * <p>The delay is a function of the invoker's identity alone (an FNV-1a hash of its key, modulo the configured
 * maximum), so it is the same on every planner instance and after every restart, and one invoker's sessions stay
 * evenly spaced. It is spread over the configured maximum or half the gap to the following tick, whichever is
 * smaller, so jittered ticks keep their order and never overtake the next one. A maximum of zero turns jitter off.
 */
public final class ScheduleJitter {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final Duration maximum;

    public ScheduleJitter(Duration maximum) {
        if (maximum.isNegative()) {
            throw new IllegalArgumentException("schedule jitter must not be negative, got " + maximum);
        }
        this.maximum = maximum;
    }

    public static ScheduleJitter none() {
        return new ScheduleJitter(Duration.ZERO);
    }

    public Duration maximum() {
        return maximum;
    }

    /**
     * The delay of {@code tick} for the invoker {@code invokerKey}.
     *
     * @param schedule used to find the following tick, which bounds the delay
     */
    public Duration delay(String invokerKey, Schedule schedule, Instant tick) {
        long max = maximum.toMillis();
        if (max <= 0) {
            return Duration.ZERO;
        }
        long bound = max;
        Optional<Instant> following = schedule.nextAfter(tick);
        if (following.isPresent()) {
            // spread over the smaller window, rather than clamp, so that frequent schedules still spread evenly
            bound = Math.min(bound, (following.get().toEpochMilli() - tick.toEpochMilli()) / 2);
        }
        if (bound <= 0) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(Long.remainderUnsigned(fnv1a(invokerKey), bound));
    }

    static long fnv1a(String text) {
        long hash = FNV_OFFSET;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= FNV_PRIME;
        }
        return hash;
    }
}
