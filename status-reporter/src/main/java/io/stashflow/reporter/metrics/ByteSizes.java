package io.stashflow.reporter.metrics;

import java.util.Locale;
import java.util.Optional;

/** Stash's conversions of restic's human-readable sizes and times into numbers. */
public final class ByteSizes {

    private ByteSizes() {
    }

    /** {@code "12.3 MiB"} to bytes with 1024 multipliers ({@code TiB, GiB, MiB, KiB, B}); empty when unreadable. */
    public static Optional<Double> toBytes(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String t = text.trim();
        double multiplier = 1;
        String number;
        String upper = t.toUpperCase(Locale.ROOT);
        if (upper.endsWith("TIB")) {
            multiplier = Math.pow(1024, 4);
            number = t.substring(0, t.length() - 3);
        } else if (upper.endsWith("GIB")) {
            multiplier = Math.pow(1024, 3);
            number = t.substring(0, t.length() - 3);
        } else if (upper.endsWith("MIB")) {
            multiplier = Math.pow(1024, 2);
            number = t.substring(0, t.length() - 3);
        } else if (upper.endsWith("KIB")) {
            multiplier = 1024;
            number = t.substring(0, t.length() - 3);
        } else if (upper.endsWith("B")) {
            number = t.substring(0, t.length() - 1);
        } else {
            number = t;
        }
        try {
            return Optional.of(Double.parseDouble(number.trim()) * multiplier);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** restic's processing time {@code h:m:s}, {@code m:s} or {@code s} to whole seconds; empty when unreadable. */
    public static Optional<Long> processingSeconds(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String[] parts = text.trim().split(":");
        try {
            long h = 0;
            long m = 0;
            long s;
            if (parts.length == 3) {
                h = Long.parseLong(parts[0].trim());
                m = Long.parseLong(parts[1].trim());
                s = Long.parseLong(parts[2].trim());
            } else if (parts.length == 2) {
                m = Long.parseLong(parts[0].trim());
                s = Long.parseLong(parts[1].trim());
            } else {
                s = Long.parseLong(parts[0].trim());
            }
            return Optional.of(h * 3600 + m * 60 + s);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
