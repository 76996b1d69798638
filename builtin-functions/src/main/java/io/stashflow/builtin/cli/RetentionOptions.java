package io.stashflow.builtin.cli;

import io.stashflow.builtin.restic.Retention;
import picocli.CommandLine.Option;

/** The invoker's retention policy as Stash's {@code --retention-*} flags ({@code RETENTION_*} variables). */
public final class RetentionOptions {

    @Option(names = "--retention-keep-last", description = "Keep the last n snapshots (0: not set)")
    int keepLast;

    @Option(names = "--retention-keep-hourly", description = "Keep the last n hourly snapshots (0: not set)")
    int keepHourly;

    @Option(names = "--retention-keep-daily", description = "Keep the last n daily snapshots (0: not set)")
    int keepDaily;

    @Option(names = "--retention-keep-weekly", description = "Keep the last n weekly snapshots (0: not set)")
    int keepWeekly;

    @Option(names = "--retention-keep-monthly", description = "Keep the last n monthly snapshots (0: not set)")
    int keepMonthly;

    @Option(names = "--retention-keep-yearly", description = "Keep the last n yearly snapshots (0: not set)")
    int keepYearly;

    @Option(names = "--retention-keep-tags", description = "Comma-separated tags whose snapshots are kept")
    String keepTags = "";

    @Option(names = "--retention-prune", arity = "0..1", fallbackValue = "true", description = "Prune unreferenced data after forget")
    boolean prune;

    @Option(names = "--retention-dry-run", arity = "0..1", fallbackValue = "true", description = "Only report what forget would remove")
    boolean dryRun;

    /** @throws IllegalArgumentException when a keep value is negative */
    public Retention retention() {
        return new Retention(keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly,
                FlagValues.commaSeparated(keepTags), prune, dryRun);
    }
}
