package io.stashflow.planner.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides, at one moment, whether an invoker's schedule fires. Pure: the caller keeps {@link ScheduleState} (in the
 * scheduler's state store) and passes the clock in.
 *
 * <p>Rules, each what a Kubernetes CronJob (Stash's trigger) does unless noted:
 * <ul>
 *   <li>A schedule seen for the first time counts from that moment (its anchor): ticks before it never fire.</li>
 *   <li>A tick is due once {@code tick + jitter} has passed. When several ticks were missed (the planner was down),
 *       only the most recent one fires, once; the older ones are dropped. This is CronJob's behaviour without
 *       {@code startingDeadlineSeconds}.</li>
 *   <li>While the invoker is paused, due ticks are dropped, not kept: unpausing does not start a catch-up backup.
 *       (A suspended CronJob would start the most recent missed run on resume; Stash users pause to stop backups,
 *       so Stashflow waits for the next regular tick.)</li>
 *   <li>A tick is identified by its instant; it fires at most once because the caller stores the returned state in
 *       the same transaction as the session it produces.</li>
 * </ul>
 */
public final class TickPolicy {

    /** Ticks examined when catching up; a minutely schedule down for a week needs about 10,000. */
    static final int MAX_CATCH_UP_TICKS = 1_000_000;

    private TickPolicy() {
    }

    /**
     * What the scheduler remembers about one invoker.
     *
     * @param anchor   when the schedule was first seen
     * @param lastTick the last tick that fired or was dropped; null before the first
     */
    public record ScheduleState(Instant anchor, Instant lastTick) {
        public ScheduleState {
            Objects.requireNonNull(anchor, "anchor");
        }

        /** Where the search for the next tick starts. */
        Instant base() {
            return lastTick == null ? anchor : lastTick;
        }
    }

    /**
     * The outcome of one check.
     *
     * @param fire        the tick to fire now, if any
     * @param fireAt      {@code fire + jitter}: the session's creation instant and the source of its name
     * @param dropped     ticks that were due but do not fire (missed while down, or paused)
     * @param state       the state to store (unchanged when nothing was due)
     * @param nextCheckAt when the next tick becomes due, if the schedule fires again
     */
    public record Decision(Optional<Instant> fire, Optional<Instant> fireAt, long dropped, ScheduleState state,
                           Optional<Instant> nextCheckAt) {
    }

    public static Decision decide(String invokerKey, Schedule schedule, ScheduleJitter jitter, ScheduleState state,
                                  boolean paused, Instant now) {
        Optional<Instant> next = schedule.nextAfter(state.base());
        if (next.isEmpty() || dueAt(invokerKey, schedule, jitter, next.get()).isAfter(now)) {
            return new Decision(Optional.empty(), Optional.empty(), 0, state,
                    next.map(t -> dueAt(invokerKey, schedule, jitter, t)));
        }
        Instant latest = latestDue(invokerKey, schedule, jitter, next.get(), now);
        long due = countTicks(schedule, next.get(), latest);
        ScheduleState after = new ScheduleState(state.anchor(), latest);
        Optional<Instant> following = schedule.nextAfter(latest).map(t -> dueAt(invokerKey, schedule, jitter, t));
        if (paused) {
            return new Decision(Optional.empty(), Optional.empty(), due, after, following);
        }
        return new Decision(Optional.of(latest), Optional.of(dueAt(invokerKey, schedule, jitter, latest)), due - 1,
                after, following);
    }

    /** When the next tick after the stored state becomes due (its jittered time); empty when it never fires. */
    public static Optional<Instant> nextDue(String invokerKey, Schedule schedule, ScheduleJitter jitter,
                                            ScheduleState state) {
        return schedule.nextAfter(state.base()).map(t -> dueAt(invokerKey, schedule, jitter, t));
    }

    private static Instant dueAt(String invokerKey, Schedule schedule, ScheduleJitter jitter, Instant tick) {
        Duration delay = jitter.delay(invokerKey, schedule, tick);
        return tick.plus(delay);
    }

    /** The last tick from {@code first} on whose due time is not after {@code now}. */
    private static Instant latestDue(String invokerKey, Schedule schedule, ScheduleJitter jitter, Instant first,
                                     Instant now) {
        if (schedule instanceof EverySchedule every) {
            // closed form: ticks are evenly spaced, so jump to the last one at or before now and step back while its
            // jittered due time is still in the future
            long step = every.interval().toMillis();
            long k = Math.max(0, (now.toEpochMilli() - first.toEpochMilli()) / step);
            Instant candidate = first.plusMillis(k * step);
            while (candidate.isAfter(first) && dueAt(invokerKey, schedule, jitter, candidate).isAfter(now)) {
                candidate = candidate.minusMillis(step);
            }
            return candidate;
        }
        Instant latest = first;
        for (int i = 0; i < MAX_CATCH_UP_TICKS; i++) {
            Optional<Instant> following = schedule.nextAfter(latest);
            if (following.isEmpty() || dueAt(invokerKey, schedule, jitter, following.get()).isAfter(now)) {
                return latest;
            }
            latest = following.get();
        }
        return latest;
    }

    private static long countTicks(Schedule schedule, Instant first, Instant last) {
        if (schedule instanceof EverySchedule every) {
            return (last.toEpochMilli() - first.toEpochMilli()) / every.interval().toMillis() + 1;
        }
        long count = 1;
        Instant t = first;
        while (t.isBefore(last) && count < MAX_CATCH_UP_TICKS) {
            Optional<Instant> following = schedule.nextAfter(t);
            if (following.isEmpty()) {
                break;
            }
            t = following.get();
            count++;
        }
        return count;
    }
}
