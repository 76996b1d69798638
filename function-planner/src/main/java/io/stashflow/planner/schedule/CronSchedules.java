package io.stashflow.planner.schedule;

import io.stashflow.planner.lifecycle.GoDuration;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Parses the schedules Kubernetes accepts in a CronJob's {@code spec.schedule}, which is where Stash puts a
 * BackupConfiguration's {@code spec.schedule}. Kubernetes validates them with robfig/cron v3's standard parser, so this
 * accepts the same language:
 * <ul>
 *   <li>five fields, minute (0-59), hour (0-23), day of month (1-31), month (1-12 or JAN-DEC), day of week (0-6 or
 *       SUN-SAT, 0 = Sunday); names are case-insensitive;</li>
 *   <li>in each field a comma-separated list of {@code *}, {@code ?} (same as {@code *}), a value {@code a}, a range
 *       {@code a-b}, each optionally with a step {@code /n}; {@code a/n} means from a to the field's maximum;</li>
 *   <li>day of month and day of week combine like Vixie cron: when both are restricted a day matching either fires,
 *       when one of them is {@code *} (or {@code ?}) only the other counts;</li>
 *   <li>the descriptors {@code @yearly} ({@code @annually}), {@code @monthly}, {@code @weekly}, {@code @daily}
 *       ({@code @midnight}), {@code @hourly}, and {@code @every <Go duration>}.</li>
 * </ul>
 * Like Kubernetes since 1.25, a {@code TZ=} or {@code CRON_TZ=} prefix is refused: cron fields are evaluated in one
 * time zone for the whole planner (UTC unless configured), as Stash's CronJobs run in the controller manager's zone.
 */
public final class CronSchedules {

    private static final Map<String, String> DESCRIPTORS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");

    private static final String EVERY = "@every ";

    private CronSchedules() {
    }

    /** Parses in UTC. {@code anchor} is where {@code @every} counts from (see {@link EverySchedule}). */
    public static Schedule parse(String text, Instant anchor) {
        return parse(text, anchor, ZoneOffset.UTC);
    }

    /**
     * @param text   the schedule
     * @param anchor the first instant an {@code @every} schedule counts from (ignored by cron expressions)
     * @param zone   the zone cron fields are evaluated in
     * @throws InvalidScheduleException naming the field at fault and a valid example
     */
    public static Schedule parse(String text, Instant anchor, ZoneId zone) {
        if (text == null || text.isBlank()) {
            throw new InvalidScheduleException("the schedule is empty: write a cron expression such as \"0 2 * * *\""
                    + " (every day at 02:00) or a descriptor such as @daily or @every 6h");
        }
        String trimmed = text.trim();
        if (trimmed.startsWith("TZ=") || trimmed.startsWith("CRON_TZ=")) {
            throw new InvalidScheduleException("schedule \"" + text + "\" sets a time zone with TZ= or CRON_TZ=, which"
                    + " Kubernetes CronJobs refuse: remove the prefix; cron fields are evaluated in the planner's"
                    + " schedule time zone");
        }
        if (trimmed.startsWith("@")) {
            // descriptors are case-sensitive in robfig/cron, hence in Kubernetes
            if (trimmed.startsWith(EVERY)) {
                return every(text, trimmed.substring(EVERY.length()).trim(), anchor);
            }
            String expansion = DESCRIPTORS.get(trimmed);
            if (expansion == null) {
                throw new InvalidScheduleException("schedule \"" + text + "\" uses an unknown descriptor: use @yearly,"
                        + " @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>");
            }
            return CronExpression.parse(text, expansion, zone);
        }
        return CronExpression.parse(text, trimmed, zone);
    }

    private static Schedule every(String text, String durationText, Instant anchor) {
        Duration interval;
        try {
            interval = GoDuration.parse(durationText);
        } catch (IllegalArgumentException e) {
            throw new InvalidScheduleException("schedule \"" + text + "\": " + e.getMessage()
                    + "; write @every followed by a Go duration such as 30m or 1h30m");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new InvalidScheduleException("schedule \"" + text + "\": @every needs a positive duration such as 1h");
        }
        // robfig/cron rounds @every down to whole seconds and never goes below one second
        long seconds = Math.max(1, interval.getSeconds());
        return new EverySchedule(text, Duration.ofSeconds(seconds), anchor);
    }
}
