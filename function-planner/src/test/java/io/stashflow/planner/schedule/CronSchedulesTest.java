package io.stashflow.planner.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The CronJob schedule language (robfig/cron v3 standard parser) and its next-tick computation. */
class CronSchedulesTest {

    /** Sunday 2026-03-01 10:00 UTC. */
    private static final Instant SUNDAY_10 = Instant.parse("2026-03-01T10:00:00Z");

    private static List<Instant> ticks(String schedule, Instant from, int count) {
        Schedule s = CronSchedules.parse(schedule, from);
        List<Instant> out = new ArrayList<>();
        Instant t = from;
        for (int i = 0; i < count; i++) {
            t = s.nextAfter(t).orElseThrow();
            out.add(t);
        }
        return out;
    }

    private static List<Instant> instants(String... texts) {
        return java.util.Arrays.stream(texts).map(Instant::parse).toList();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "*/5 * * * *|2026-03-01T10:05:00Z,2026-03-01T10:10:00Z,2026-03-01T10:15:00Z",
        "0 * * * *|2026-03-01T11:00:00Z,2026-03-01T12:00:00Z,2026-03-01T13:00:00Z",
        "30 2 * * *|2026-03-02T02:30:00Z,2026-03-03T02:30:00Z,2026-03-04T02:30:00Z",
        "0 0 1 * *|2026-04-01T00:00:00Z,2026-05-01T00:00:00Z,2026-06-01T00:00:00Z",
        "15,45 9-10 * * *|2026-03-01T10:15:00Z,2026-03-01T10:45:00Z,2026-03-02T09:15:00Z",
        "0 12 * * MON-FRI|2026-03-02T12:00:00Z,2026-03-03T12:00:00Z,2026-03-04T12:00:00Z",
        "0 12 * * sat,sun|2026-03-01T12:00:00Z,2026-03-07T12:00:00Z,2026-03-08T12:00:00Z",
        "0 0 * FEB *|2027-02-01T00:00:00Z,2027-02-02T00:00:00Z,2027-02-03T00:00:00Z",
        "0 0 29 2 *|2028-02-29T00:00:00Z,2032-02-29T00:00:00Z,2036-02-29T00:00:00Z",
        "0 0 31 * *|2026-03-31T00:00:00Z,2026-05-31T00:00:00Z,2026-07-31T00:00:00Z",
        "10/20 * * * *|2026-03-01T10:10:00Z,2026-03-01T10:30:00Z,2026-03-01T10:50:00Z",
        "0-10/5 10 * * *|2026-03-01T10:05:00Z,2026-03-01T10:10:00Z,2026-03-02T10:00:00Z",
        "0 0 ? * 0|2026-03-08T00:00:00Z,2026-03-15T00:00:00Z,2026-03-22T00:00:00Z",
        "@hourly|2026-03-01T11:00:00Z,2026-03-01T12:00:00Z,2026-03-01T13:00:00Z",
        "@daily|2026-03-02T00:00:00Z,2026-03-03T00:00:00Z,2026-03-04T00:00:00Z",
        "@midnight|2026-03-02T00:00:00Z,2026-03-03T00:00:00Z,2026-03-04T00:00:00Z",
        "@weekly|2026-03-08T00:00:00Z,2026-03-15T00:00:00Z,2026-03-22T00:00:00Z",
        "@monthly|2026-04-01T00:00:00Z,2026-05-01T00:00:00Z,2026-06-01T00:00:00Z",
        "@yearly|2027-01-01T00:00:00Z,2028-01-01T00:00:00Z,2029-01-01T00:00:00Z",
        "@annually|2027-01-01T00:00:00Z,2028-01-01T00:00:00Z,2029-01-01T00:00:00Z",
        "  0   3  *  *  * |2026-03-02T03:00:00Z,2026-03-03T03:00:00Z,2026-03-04T03:00:00Z",
    })
    void ticksLikeACronJob(String schedule, String expected) {
        assertEquals(instants(expected.split(",")), ticks(schedule, SUNDAY_10, 3));
    }

    @Test
    void dayOfMonthAndDayOfWeekCombineWithOrWhenBothAreRestricted() {
        // the 13th, and every Friday: 2026-03-06 is a Friday, 2026-03-13 both
        assertEquals(instants("2026-03-06T00:00:00Z", "2026-03-13T00:00:00Z", "2026-03-20T00:00:00Z",
                        "2026-03-27T00:00:00Z", "2026-04-03T00:00:00Z", "2026-04-10T00:00:00Z",
                        "2026-04-13T00:00:00Z"),
                ticks("0 0 13 * 5", SUNDAY_10, 7));
    }

    @Test
    void aStarDayOfWeekLeavesOnlyTheDayOfMonth() {
        assertEquals(instants("2026-03-13T00:00:00Z", "2026-04-13T00:00:00Z"), ticks("0 0 13 * *", SUNDAY_10, 2));
        assertEquals(instants("2026-03-13T00:00:00Z", "2026-04-13T00:00:00Z"), ticks("0 0 13 * */1", SUNDAY_10, 2),
                "*/1 still counts as a star, as in robfig/cron");
        assertEquals(instants("2026-03-01T12:00:00Z", "2026-03-03T12:00:00Z"), ticks("0 12 13 * */2", SUNDAY_10, 2),
                "*/2 is a restriction: the 13th or every second weekday (Sun, Tue, Thu, Sat)");
    }

    @Test
    void ticksAreStrictlyAfterTheGivenInstantAndAtWholeMinutes() {
        Schedule every5 = CronSchedules.parse("*/5 * * * *", SUNDAY_10);
        assertEquals(Optional.of(Instant.parse("2026-03-01T10:05:00Z")), every5.nextAfter(SUNDAY_10));
        assertEquals(Optional.of(Instant.parse("2026-03-01T10:05:00Z")),
                every5.nextAfter(Instant.parse("2026-03-01T10:04:59.999Z")));
        assertEquals(Optional.of(Instant.parse("2026-03-01T10:10:00Z")),
                every5.nextAfter(Instant.parse("2026-03-01T10:05:00.001Z")));
    }

    @Test
    void aScheduleThatNeverFiresHasNoNextTick() {
        assertEquals(Optional.empty(), CronSchedules.parse("0 0 30 2 *", SUNDAY_10).nextAfter(SUNDAY_10));
        assertEquals(Optional.empty(), CronSchedules.parse("0 0 31 4 *", SUNDAY_10).nextAfter(SUNDAY_10));
    }

    @Test
    void cronFieldsAreEvaluatedInTheConfiguredZone() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        Schedule s = CronSchedules.parse("0 2 * * *", SUNDAY_10, berlin);
        // 2026-03-29 is the switch to summer time in Berlin: 02:00 does not exist that day
        Instant before = Instant.parse("2026-03-27T12:00:00Z");
        Instant first = s.nextAfter(before).orElseThrow();
        assertEquals(Instant.parse("2026-03-28T01:00:00Z"), first);
        Instant second = s.nextAfter(first).orElseThrow();
        assertEquals(Instant.parse("2026-03-30T00:00:00Z"), second, "the nonexistent 02:00 is not fired");
    }

    @Test
    void everyCountsFromTheAnchor() {
        Instant anchor = Instant.parse("2026-03-01T10:00:07Z");
        Schedule s = CronSchedules.parse("@every 1h30m", anchor);
        assertEquals(Optional.of(Instant.parse("2026-03-01T11:30:07Z")), s.nextAfter(anchor));
        assertEquals(Optional.of(Instant.parse("2026-03-01T11:30:07Z")), s.nextAfter(anchor.minusSeconds(3600)));
        assertEquals(Optional.of(Instant.parse("2026-03-01T13:00:07Z")),
                s.nextAfter(Instant.parse("2026-03-01T11:30:07Z")));
        assertEquals(Optional.of(anchor.plusSeconds(1)), CronSchedules.parse("@every 300ms", anchor)
                .nextAfter(anchor), "at least one second, as robfig/cron");
        assertEquals(Optional.of(anchor.plusSeconds(2)), CronSchedules.parse("@every 2.9s", anchor)
                .nextAfter(anchor), "whole seconds, rounded down");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "''|the schedule is empty",
        "* * * *|has 4 field(s); a cron schedule has exactly 5",
        "* * * * * *|has 6 field(s)",
        "60 * * * *|minute field \"60\": 60 is above the maximum 59",
        "* 24 * * *|hour field \"24\": 24 is above the maximum 23",
        "* * 0 * *|day-of-month field \"0\": 0 is below the minimum 1",
        "* * 32 * *|day-of-month field \"32\": 32 is above the maximum 31",
        "* * * 13 *|month field \"13\": 13 is above the maximum 12",
        "* * * * 7|day-of-week field \"7\": 7 is above the maximum 6",
        "* * * FOO *|month field \"FOO\": 'FOO' is not a valid month value; use a number or JAN-DEC",
        "* * * * FUNDAY|day-of-week field \"FUNDAY\": 'FUNDAY' is not a valid day-of-week value; use a number (0 = Sunday) or SUN-SAT",
        "*/0 * * * *|minute field \"*/0\": the step must be a positive number",
        "*/x * * * *|minute field \"*/x\": 'x' is not a valid step",
        "5-1 * * * *|minute field \"5-1\": the range starts at 5, after its end 1",
        "1-2-3 * * * *|minute field \"1-2-3\" has more than one '-'",
        "*/2/3 * * * *|minute field \"*/2/3\" has more than one '/'",
        "1,,2 * * * *|minute field \"\" is empty",
        "@fortnightly|unknown descriptor",
        "@Daily|unknown descriptor",
        "@every|unknown descriptor",
        "@every 1d|time: unknown unit \"d\" in duration \"1d\"",
        "@every -5m|@every needs a positive duration",
        "TZ=Europe/Berlin 0 2 * * *|sets a time zone with TZ= or CRON_TZ=",
        "CRON_TZ=UTC 0 2 * * *|sets a time zone with TZ= or CRON_TZ=",
    })
    void refusesWhatKubernetesRefuses(String schedule, String message) {
        InvalidScheduleException e = assertThrows(InvalidScheduleException.class,
                () -> CronSchedules.parse(schedule, SUNDAY_10));
        assertTrue(e.getMessage().contains(message), () -> "'" + e.getMessage() + "' should contain '" + message + "'");
    }

    /**
     * The field-by-field search agrees with a minute-by-minute scan for random expressions and random start
     * instants (seeded, so a failure can be reproduced).
     */
    @Test
    void nextTickAgreesWithAMinuteByMinuteScan() {
        Random random = new Random(20260301L);
        ZoneId zone = ZoneOffset.UTC;
        for (int run = 0; run < 150; run++) {
            String expression = randomField(random, 0, 59) + " " + randomField(random, 0, 23) + " "
                    + randomField(random, 1, 31) + " " + randomField(random, 1, 12) + " "
                    + randomField(random, 0, 6);
            CronExpression cron = CronExpression.parse(expression, expression, zone);
            Instant from = SUNDAY_10.plusSeconds(random.nextInt(400 * 24 * 3600));
            Optional<Instant> next = cron.nextAfter(from);
            Optional<Instant> scanned = scan(cron, from, zone, 366L * 24 * 60 * 2);
            if (scanned.isPresent()) {
                assertEquals(scanned, next, expression + " after " + from);
            } else {
                assertTrue(next.isEmpty() || next.get().isAfter(from.plus(730, ChronoUnit.DAYS)),
                        expression + " after " + from + " gave " + next);
            }
        }
    }

    private static Optional<Instant> scan(CronExpression cron, Instant from, ZoneId zone, long limitMinutes) {
        ZonedDateTime t = from.atZone(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        for (long i = 0; i < limitMinutes; i++) {
            if (cron.matches(t)) {
                return Optional.of(t.toInstant());
            }
            t = t.plusMinutes(1);
        }
        return Optional.empty();
    }

    /** A random field: mostly frequent values so that most expressions fire within the scan window. */
    private static String randomField(Random random, int min, int max) {
        return switch (random.nextInt(6)) {
            case 0, 1 -> "*";
            case 2 -> "*/" + (1 + random.nextInt(Math.max(1, (max - min) / 2)));
            case 3 -> Integer.toString(min + random.nextInt(max - min + 1));
            case 4 -> {
                int a = min + random.nextInt(max - min + 1);
                int b = a + random.nextInt(max - a + 1);
                yield a + "-" + b;
            }
            default -> {
                int a = min + random.nextInt(max - min + 1);
                int b = min + random.nextInt(max - min + 1);
                yield a + "," + b;
            }
        };
    }
}
