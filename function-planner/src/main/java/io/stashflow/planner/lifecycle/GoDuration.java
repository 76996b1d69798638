package io.stashflow.planner.lifecycle;

import java.time.Duration;

/**
 * Go's {@code time.ParseDuration} and {@code Duration.String()}, because Stash's {@code timeOut} and
 * {@code retryConfig.delay} are {@code metav1.Duration} values that the API server accepted with exactly these rules:
 * an optional sign, then one or more decimal numbers each followed by a unit ({@code ns}, {@code us}, {@code µs},
 * {@code μs}, {@code ms}, {@code s}, {@code m}, {@code h}), or the single text {@code 0}. Days are not a unit in Go.
 *
 * <p>Error texts are Go's, so a message a user sees in Stashflow reads like the one kubectl would have shown.
 */
public final class GoDuration {

    private static final long NANOS_PER_MICRO = 1_000L;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NANOS_PER_MINUTE = 60 * NANOS_PER_SECOND;
    private static final long NANOS_PER_HOUR = 60 * NANOS_PER_MINUTE;
    /** 2^63 as an unsigned long, Go's overflow bound. */
    private static final long TWO_TO_63 = Long.MIN_VALUE;

    private GoDuration() {
    }

    /** A text that is not a Go duration; the message is Go's. */
    public static final class InvalidDurationException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidDurationException(String message) {
            super(message);
        }
    }

    /**
     * Parses a Go duration.
     *
     * @throws InvalidDurationException with Go's message, e.g. {@code time: unknown unit "d" in duration "1d"}
     */
    public static Duration parse(String text) {
        // Go's algorithm step by step, including its float64 arithmetic for fractions, so that values such as
        // "0.3333333333333333333h" give exactly what Go gives (20m)
        String orig = text == null ? "" : text;
        String quoted = "\"" + orig + "\"";
        String s = orig;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw new InvalidDurationException("time: invalid duration " + quoted);
        }
        long total = 0; // unsigned, at most 2^63
        int i = 0;
        while (i < s.length()) {
            if (!(s.charAt(i) == '.' || isDigit(s.charAt(i)))) {
                throw new InvalidDurationException("time: invalid duration " + quoted);
            }
            int start = i;
            long v = 0;
            while (i < s.length() && isDigit(s.charAt(i))) {
                if (Long.compareUnsigned(v, Long.divideUnsigned(TWO_TO_63, 10)) > 0) {
                    throw new InvalidDurationException("time: invalid duration " + quoted);
                }
                v = v * 10 + (s.charAt(i) - '0');
                if (Long.compareUnsigned(v, TWO_TO_63) > 0) {
                    throw new InvalidDurationException("time: invalid duration " + quoted);
                }
                i++;
            }
            boolean pre = i > start;
            boolean post = false;
            long f = 0;
            double scale = 1;
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                int fractionStart = i;
                boolean overflow = false;
                while (i < s.length() && isDigit(s.charAt(i))) {
                    if (!overflow) {
                        if (Long.compareUnsigned(f, Long.divideUnsigned(Long.MAX_VALUE, 10)) > 0) {
                            overflow = true; // further digits cannot change the result
                        } else {
                            long next = f * 10 + (s.charAt(i) - '0');
                            if (next < 0) {
                                overflow = true;
                            } else {
                                f = next;
                                scale *= 10;
                            }
                        }
                    }
                    i++;
                }
                post = i > fractionStart;
            }
            if (!pre && !post) {
                throw new InvalidDurationException("time: invalid duration " + quoted);
            }
            int unitStart = i;
            while (i < s.length() && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
                i++;
            }
            if (unitStart == i) {
                throw new InvalidDurationException("time: missing unit in duration " + quoted);
            }
            String unitText = s.substring(unitStart, i);
            long unit = switch (unitText) {
                case "ns" -> 1L;
                case "us", "\u00b5s", "\u03bcs" -> NANOS_PER_MICRO;
                case "ms" -> NANOS_PER_MILLI;
                case "s" -> NANOS_PER_SECOND;
                case "m" -> NANOS_PER_MINUTE;
                case "h" -> NANOS_PER_HOUR;
                default -> throw new InvalidDurationException("time: unknown unit \"" + unitText
                        + "\" in duration " + quoted);
            };
            if (Long.compareUnsigned(v, Long.divideUnsigned(TWO_TO_63, unit)) > 0) {
                throw new InvalidDurationException("time: invalid duration " + quoted);
            }
            v *= unit;
            if (f > 0) {
                v += (long) ((double) f * ((double) unit / scale));
                if (Long.compareUnsigned(v, TWO_TO_63) > 0) {
                    throw new InvalidDurationException("time: invalid duration " + quoted);
                }
            }
            total += v;
            if (Long.compareUnsigned(total, TWO_TO_63) > 0) {
                throw new InvalidDurationException("time: invalid duration " + quoted);
            }
        }
        if (negative) {
            return Duration.ofNanos(-total);
        }
        if (total < 0) {
            // exactly 2^63 is only representable as a negative duration
            throw new InvalidDurationException("time: invalid duration " + quoted);
        }
        return Duration.ofNanos(total);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Go's {@code Duration.String()}: {@code 1h2m3.5s}, {@code 1.5ms}, {@code 0s}. */
    public static String format(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        boolean negative = nanos < 0;
        long u = Math.abs(nanos);
        if (u < NANOS_PER_SECOND) {
            // below one second Go uses the largest unit that keeps a non-zero integer part
            if (u < NANOS_PER_MICRO) {
                out.append(u).append("ns");
            } else if (u < NANOS_PER_MILLI) {
                out.append(fraction(u, NANOS_PER_MICRO)).append("\u00b5s");
            } else {
                out.append(fraction(u, NANOS_PER_MILLI)).append("ms");
            }
        } else {
            long hours = u / NANOS_PER_HOUR;
            long minutes = (u % NANOS_PER_HOUR) / NANOS_PER_MINUTE;
            long secondNanos = u % NANOS_PER_MINUTE;
            if (hours > 0) {
                out.append(hours).append('h');
            }
            if (hours > 0 || minutes > 0) {
                out.append(minutes).append('m');
            }
            out.append(fraction(secondNanos, NANOS_PER_SECOND)).append('s');
        }
        return (negative ? "-" : "") + out;
    }

    private static String fraction(long value, long unit) {
        long whole = value / unit;
        long rest = value % unit;
        if (rest == 0) {
            return Long.toString(whole);
        }
        String digits = String.format("%0" + Long.toString(unit).length() + "d", rest).substring(1);
        int end = digits.length();
        while (end > 0 && digits.charAt(end - 1) == '0') {
            end--;
        }
        return whole + "." + digits.substring(0, end);
    }
}
