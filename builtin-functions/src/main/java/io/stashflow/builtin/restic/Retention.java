package io.stashflow.builtin.restic;

import java.util.List;

/**
 * The retention policy of the invoker, as the {@code --retention-*} flags carry it (Stash's
 * {@code RETENTION_*} variables: a value of 0 or an empty list means "not set").
 */
public record Retention(
        int keepLast,
        int keepHourly,
        int keepDaily,
        int keepWeekly,
        int keepMonthly,
        int keepYearly,
        List<String> keepTags,
        boolean prune,
        boolean dryRun) {

    public Retention {
        keepTags = keepTags == null ? List.of() : List.copyOf(keepTags);
        for (int value : new int[] {keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly}) {
            if (value < 0) {
                throw new IllegalArgumentException("--retention-keep-* values must be 0 (not set) or positive, got "
                        + value);
            }
        }
    }

    /** A policy that sets nothing: {@code restic forget} would keep every snapshot, so it is not run. */
    public boolean keepsNothing() {
        return keepLast == 0 && keepHourly == 0 && keepDaily == 0 && keepWeekly == 0 && keepMonthly == 0
                && keepYearly == 0 && keepTags.isEmpty();
    }
}
