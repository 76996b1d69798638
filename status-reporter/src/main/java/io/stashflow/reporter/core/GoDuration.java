package io.stashflow.reporter.core;

import java.time.Duration;

/**
 * Go's {@code time.Duration.String()} for durations rounded to whole seconds, which is how Stash writes
 * {@code sessionDuration}: {@code 0s}, {@code 45s}, {@code 1m5s}, {@code 2h0m3s}.
 */
public final class GoDuration {

    private GoDuration() {
    }

    /** Rounds half away from zero to seconds, as Go's {@code Round(time.Second)} does, and formats. */
    public static String roundedToSeconds(Duration duration) {
        long millis = duration.toMillis();
        long seconds = millis >= 0 ? (millis + 500) / 1000 : -((-millis + 500) / 1000);
        return format(seconds);
    }

    static String format(long totalSeconds) {
        if (totalSeconds == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long s = totalSeconds;
        if (s < 0) {
            out.append('-');
            s = -s;
        }
        long hours = s / 3600;
        long minutes = (s % 3600) / 60;
        long seconds = s % 60;
        if (hours > 0) {
            out.append(hours).append('h').append(minutes).append('m');
        } else if (minutes > 0) {
            out.append(minutes).append('m');
        }
        out.append(seconds).append('s');
        return out.toString();
    }

    /**
     * Parses Go duration text ({@code 1h2m3.5s}, {@code 250ms}, {@code 1.5h}) as Stash's metrics code does with
     * {@code time.ParseDuration}; empty for text that is not a duration.
     */
    public static java.util.Optional<Duration> parse(String text) {
        if (text == null || text.isBlank()) {
            return java.util.Optional.empty();
        }
        String t = text.trim();
        boolean negative = t.startsWith("-");
        if (negative || t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.equals("0")) {
            return java.util.Optional.of(Duration.ZERO);
        }
        var matcher = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)").matcher(t);
        int end = 0;
        double nanos = 0;
        while (matcher.find()) {
            if (matcher.start() != end) {
                return java.util.Optional.empty();
            }
            end = matcher.end();
            double amount = Double.parseDouble(matcher.group(1));
            nanos += amount * switch (matcher.group(2)) {
                case "ns" -> 1d;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
        }
        if (end != t.length() || end == 0) {
            return java.util.Optional.empty();
        }
        Duration d = Duration.ofNanos(Math.round(nanos));
        return java.util.Optional.of(negative ? d.negated() : d);
    }
}
