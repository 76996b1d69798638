package io.stashflow.planner.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A five-field cron expression (see {@link CronSchedules} for the language), evaluated in one time zone.
 *
 * <p>Each field is a set of allowed values. Day of month and day of week remember whether they were written as
 * {@code *} or {@code ?} (a step other than 1 makes the field restricted, as in robfig/cron): that decides whether the
 * two day fields combine with AND (one unrestricted) or OR (both restricted).
 */
final class CronExpression implements Schedule {

    /** robfig/cron gives up after five years; so does this, and reports "never". */
    private static final int SEARCH_YEARS = 5;

    private record Field(String name, int min, int max, Map<String, Integer> names) {
    }

    private static final Field MINUTE = new Field("minute", 0, 59, Map.of());
    private static final Field HOUR = new Field("hour", 0, 23, Map.of());
    private static final Field DAY_OF_MONTH = new Field("day-of-month", 1, 31, Map.of());
    private static final Field MONTH = new Field("month", 1, 12, Map.ofEntries(
            Map.entry("jan", 1), Map.entry("feb", 2), Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("may", 5),
            Map.entry("jun", 6), Map.entry("jul", 7), Map.entry("aug", 8), Map.entry("sep", 9), Map.entry("oct", 10),
            Map.entry("nov", 11), Map.entry("dec", 12)));
    private static final Field DAY_OF_WEEK = new Field("day-of-week", 0, 6, Map.of(
            "sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4, "fri", 5, "sat", 6));
    private static final List<Field> FIELDS = List.of(MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK);

    /** Allowed values of one field, and whether it was written as "any". */
    private record Values(BitSet allowed, boolean star) {
        boolean has(int value) {
            return allowed.get(value);
        }
    }

    private final String text;
    private final ZoneId zone;
    private final Values minutes;
    private final Values hours;
    private final Values daysOfMonth;
    private final Values months;
    private final Values daysOfWeek;

    private CronExpression(String text, ZoneId zone, List<Values> fields) {
        this.text = text;
        this.zone = zone;
        this.minutes = fields.get(0);
        this.hours = fields.get(1);
        this.daysOfMonth = fields.get(2);
        this.months = fields.get(3);
        this.daysOfWeek = fields.get(4);
    }

    /**
     * @param text       the schedule as the user wrote it (for messages)
     * @param expression the five fields (a descriptor already expanded)
     */
    static CronExpression parse(String text, String expression, ZoneId zone) {
        String[] parts = expression.trim().split("\\s+");
        if (parts.length != FIELDS.size()) {
            throw new InvalidScheduleException("schedule \"" + text + "\" has " + parts.length + " field(s); a cron"
                    + " schedule has exactly 5: minute hour day-of-month month day-of-week, e.g. \"30 2 * * *\"");
        }
        List<Values> values = new java.util.ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            values.add(parseField(text, FIELDS.get(i), parts[i]));
        }
        return new CronExpression(text, zone, values);
    }

    private static Values parseField(String text, Field field, String expression) {
        BitSet allowed = new BitSet(field.max() + 1);
        boolean star = false;
        for (String item : expression.split(",", -1)) {
            star |= parseItem(text, field, item, allowed);
        }
        return new Values(allowed, star);
    }

    /** Adds one comma-separated item to {@code allowed}; returns whether it counts as "any". */
    private static boolean parseItem(String text, Field field, String item, BitSet allowed) {
        String where = "schedule \"" + text + "\": " + field.name() + " field \"" + item + "\"";
        if (item.isEmpty()) {
            throw new InvalidScheduleException(where + " is empty; remove the extra comma");
        }
        String[] rangeAndStep = item.split("/", -1);
        if (rangeAndStep.length > 2) {
            throw new InvalidScheduleException(where + " has more than one '/'; write range/step, e.g. */15");
        }
        String range = rangeAndStep[0];
        int start;
        int end;
        boolean star = false;
        if (range.equals("*") || range.equals("?")) {
            start = field.min();
            end = field.max();
            star = true;
        } else {
            String[] bounds = range.split("-", -1);
            if (bounds.length > 2) {
                throw new InvalidScheduleException(where + " has more than one '-'; write a range as a-b");
            }
            start = value(where, field, bounds[0]);
            end = bounds.length == 2 ? value(where, field, bounds[1]) : start;
        }
        int step = 1;
        if (rangeAndStep.length == 2) {
            step = number(where, rangeAndStep[1], "step");
            if (step <= 0) {
                throw new InvalidScheduleException(where + ": the step must be a positive number");
            }
            if (!star && !range.contains("-")) {
                // "a/n" means every n from a up to the field's maximum
                end = field.max();
            }
            if (step > 1) {
                star = false;
            }
        }
        if (start < field.min()) {
            throw new InvalidScheduleException(where + ": " + start + " is below the minimum " + field.min());
        }
        if (end > field.max()) {
            throw new InvalidScheduleException(where + ": " + end + " is above the maximum " + field.max());
        }
        if (start > end) {
            throw new InvalidScheduleException(where + ": the range starts at " + start + ", after its end " + end
                    + "; write the smaller value first");
        }
        for (int v = start; v <= end; v += step) {
            allowed.set(v);
        }
        return star;
    }

    private static int value(String where, Field field, String text) {
        Integer named = field.names().get(text.toLowerCase(Locale.ROOT));
        if (named != null) {
            return named;
        }
        return number(where, text, field.name() + " value");
    }

    private static int number(String where, String text, String what) {
        if (text.isEmpty() || !text.chars().allMatch(Character::isDigit)) {
            throw new InvalidScheduleException(where + ": '" + text + "' is not a valid " + what
                    + (what.equals("step") ? "" : "; use a number" + hint(what)));
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new InvalidScheduleException(where + ": '" + text + "' is too large");
        }
    }

    private static String hint(String what) {
        if (what.startsWith("month")) {
            return " or JAN-DEC";
        }
        if (what.startsWith("day-of-week")) {
            return " (0 = Sunday) or SUN-SAT";
        }
        return "";
    }

    @Override
    public String text() {
        return text;
    }

    @Override
    public Optional<Instant> nextAfter(Instant after) {
        // cron works in whole minutes: start at the minute after 'after'
        ZonedDateTime t = after.atZone(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        int yearLimit = t.getYear() + SEARCH_YEARS;
        while (t.getYear() <= yearLimit) {
            if (!months.has(t.getMonthValue())) {
                LocalDate firstOfNext = t.toLocalDate().withDayOfMonth(1).plusMonths(1);
                t = firstOfNext.atStartOfDay(zone);
                continue;
            }
            if (!dayMatches(t)) {
                t = t.toLocalDate().plusDays(1).atStartOfDay(zone);
                continue;
            }
            if (!hours.has(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
                continue;
            }
            if (!minutes.has(t.getMinute())) {
                t = t.plusMinutes(1);
                continue;
            }
            return Optional.of(t.toInstant());
        }
        return Optional.empty();
    }

    /** Whether the minute of {@code t} is a tick (for checking {@link #nextAfter} against a minute-by-minute scan). */
    boolean matches(ZonedDateTime t) {
        return months.has(t.getMonthValue()) && dayMatches(t) && hours.has(t.getHour())
                && minutes.has(t.getMinute());
    }

    private boolean dayMatches(ZonedDateTime t) {
        boolean domMatch = daysOfMonth.has(t.getDayOfMonth());
        boolean dowMatch = daysOfWeek.has(t.getDayOfWeek().getValue() % 7);
        if (daysOfMonth.star() || daysOfWeek.star()) {
            return domMatch && dowMatch;
        }
        return domMatch || dowMatch;
    }

    @Override
    public String toString() {
        return text + " (" + zone + ")";
    }
}
