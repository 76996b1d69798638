package io.stashflow.builtin.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** How the built-in Functions read list flags: the forms the {@code *_PATTERNS}/{@code TARGET_PATHS} variables take. */
public final class FlagValues {

    private FlagValues() {
    }

    /** A comma-separated list ({@code TARGET_PATHS}, {@code EXCLUDE_PATTERNS}, ...), empty items dropped. */
    public static List<String> commaSeparated(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            String trimmed = item.strip();
            if (!trimmed.isEmpty()) {
                items.add(trimmed);
            }
        }
        return List.copyOf(items);
    }

    /**
     * A space-separated list ({@code DRIVER_ARGS}: Stash joins {@code target.args} with a space); each item becomes
     * its own exec-array element, so an argument can never contain a space.
     */
    public static List<String> spaceSeparated(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.strip().split("\\s+")).toList();
    }

    /** The value, or the fallback when it is null or blank. */
    public static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
