package io.stashflow.planner.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code @every <duration>}: ticks at {@code anchor + k * interval} for k = 1, 2, ... The anchor is when the scheduler
 * first saw the BackupConfiguration, the way a Kubernetes CronJob counts {@code @every} from its own creation time, and
 * it is kept in the scheduler's state, so every instance and every restart computes the same ticks.
 */
final class EverySchedule implements Schedule {

    private final String text;
    private final Duration interval;
    private final Instant anchor;

    EverySchedule(String text, Duration interval, Instant anchor) {
        this.text = Objects.requireNonNull(text, "text");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.anchor = Objects.requireNonNull(anchor, "anchor");
    }

    Duration interval() {
        return interval;
    }

    @Override
    public Optional<Instant> nextAfter(Instant after) {
        long step = interval.toMillis();
        long since = after.toEpochMilli() - anchor.toEpochMilli();
        long k = since < 0 ? 1 : since / step + 1;
        return Optional.of(anchor.plusMillis(k * step));
    }

    @Override
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text + " (from " + anchor + ")";
    }
}
