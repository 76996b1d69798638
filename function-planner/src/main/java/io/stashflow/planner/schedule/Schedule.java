package io.stashflow.planner.schedule;

import java.time.Instant;
import java.util.Optional;

/**
 * When a BackupConfiguration's or BackupBatch's {@code spec.schedule} fires. Implementations are immutable.
 *
 * @see CronSchedules#parse(String, Instant) for the accepted syntax
 */
public interface Schedule {

    /**
     * The first tick strictly after {@code after}; empty when the schedule never fires again (a cron that names a
     * day that does not exist, such as {@code 0 0 30 2 *}).
     */
    Optional<Instant> nextAfter(Instant after);

    /** The text the schedule was parsed from. */
    String text();
}
