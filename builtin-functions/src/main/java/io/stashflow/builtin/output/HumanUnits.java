package io.stashflow.builtin.output;

import java.time.Duration;
import java.util.Locale;

/**
 * The texts Stash writes into {@code output.json} and status: sizes like {@code 12.345 MiB}, processing times like
 * {@code 1:05}, and host durations in Go's {@code time.Duration} notation like {@code 1m3.25s}. status-reporter
 * parses them back (Stash converts {@code TiB/GiB/MiB/KiB/B} with 1024 multipliers), so the notation matters.
 */
public final class HumanUnits {

    private static final long KIB = 1L << 10;
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final long TIB = 1L << 40;

    private HumanUnits() {
    }

    /**
     * A byte count as Stash and restic write it: three decimals and a binary unit above 1 KiB ({@code 12.300 MiB}),
     * whole bytes below ({@code 512 B}). Like Stash, a value exactly at a unit boundary stays in the smaller unit.
     */
    public static String bytes(long count) {
        if (count > TIB) {
            return String.format(Locale.ROOT, "%.3f TiB", count / (double) TIB);
        }
        if (count > GIB) {
            return String.format(Locale.ROOT, "%.3f GiB", count / (double) GIB);
        }
        if (count > MIB) {
            return String.format(Locale.ROOT, "%.3f MiB", count / (double) MIB);
        }
        if (count > KIB) {
            return String.format(Locale.ROOT, "%.3f KiB", count / (double) KIB);
        }
        return count + " B";
    }

    /** Whole seconds as Stash's {@code processingTime}: {@code m:ss}, or {@code h:mm:ss} from one hour on. */
    public static String processingTime(double seconds) {
        long total = (long) Math.max(0, seconds);
        long hours = total / 3600;
        long minutes = (total % 3600) / 60;
        long secs = total % 60;
        if (hours > 0) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, secs);
        }
        return String.format(Locale.ROOT, "%d:%02d", minutes, secs);
    }

    /** A duration in Go's {@code time.Duration.String()} notation: {@code 0s}, {@code 1.5ms}, {@code 2m3.25s}, {@code 1h0m0s}. */
    public static String goDuration(Duration duration) {
        long nanos;
        try {
            nanos = duration.toNanos();
        } catch (ArithmeticException e) {
            nanos = duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        if (nanos == 0) {
            return "0s";
        }
        String sign = nanos < 0 ? "-" : "";
        long u = Math.abs(nanos);
        if (u < 1_000_000_000L) {
            if (u < 1_000L) {
                return sign + u + "ns";
            }
            if (u < 1_000_000L) {
                return sign + fraction(u, 3) + "\u00b5s";
            }
            return sign + fraction(u, 6) + "ms";
        }
        long totalSeconds = u / 1_000_000_000L;
        long fractionNanos = u % 1_000_000_000L;
        long hours = totalSeconds / 3600;
        long minutes = (totalSeconds % 3600) / 60;
        long seconds = totalSeconds % 60;
        StringBuilder text = new StringBuilder(sign);
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            text.append(minutes).append('m');
        }
        text.append(fraction(seconds * 1_000_000_000L + fractionNanos, 9)).append('s');
        return text.toString();
    }

    /** {@code value / 10^digits} with the fraction's trailing zeros dropped. */
    private static String fraction(long value, int digits) {
        long scale = 1;
        for (int i = 0; i < digits; i++) {
            scale *= 10;
        }
        long whole = value / scale;
        long rest = value % scale;
        if (rest == 0) {
            return Long.toString(whole);
        }
        String fractionDigits = String.format(Locale.ROOT, "%0" + digits + "d", rest).replaceFirst("0+$", "");
        return whole + "." + fractionDigits;
    }
}
