package io.stashflow.builtin.restic;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The argument lists of the restic commands the built-in Functions run (without the {@code restic} executable),
 * in the shape Stash uses (stashed/apimachinery {@code pkg/restic/commands.go}). Every argument is its own
 * element: nothing here is ever joined into a shell string.
 */
public final class ResticCommands {

    private final List<String> globalFlags;

    public ResticCommands(List<String> globalFlags) {
        this.globalFlags = List.copyOf(globalFlags);
    }

    /** Lists the snapshots; it fails when there is no repository yet. */
    public List<String> snapshots() {
        return withGlobals(List.of("snapshots", "--json", "--quiet", "--no-lock"));
    }

    /**
     * Lists the snapshots a restore would choose, without locking the repository: {@code snapshot} is an ID (prefix)
     * or {@code latest}; for {@code latest} restic applies {@code host} and {@code path} as {@code restore} does
     * (the latest snapshot of that host that includes that path), for an ID it ignores them. With {@code snapshot}
     * {@code null}: every snapshot of {@code host} (any host when {@code null}).
     */
    public List<String> findSnapshots(String snapshot, String host, String path) {
        List<String> args = new ArrayList<>(List.of("snapshots", "--json", "--quiet", "--no-lock"));
        if (host != null && !host.isEmpty()) {
            args.add("--host");
            args.add(host);
        }
        if (path != null && !path.isEmpty()) {
            args.add("--path");
            args.add(path);
        }
        if (snapshot != null) {
            args.add(snapshot);
        }
        return withGlobals(args);
    }

    public List<String> init() {
        return withGlobals(List.of("init"));
    }

    /**
     * @param path one target path (Stash runs one backup per path, one snapshot each)
     * @param host the snapshot's host name
     * @param excludes restic exclude patterns
     * @param extraArgs the target's driver args, each its own element, placed after Stash's own flags
     * @param cleanupCache whether to add {@code --cleanup-cache} (Stash does when the cache is enabled)
     */
    public List<String> backup(String path, String host, List<String> excludes, List<String> extraArgs,
            boolean cleanupCache) {
        List<String> args = new ArrayList<>(List.of("backup", path, "--quiet", "--json", "--host", host));
        for (String exclude : excludes) {
            args.add("--exclude");
            args.add(exclude);
        }
        args.addAll(extraArgs);
        if (cleanupCache) {
            args.add("--cleanup-cache");
        }
        return withGlobals(args);
    }

    /** {@code restic forget} over the whole repository (every host and path group), as Stash runs it. */
    public List<String> forget(Retention retention) {
        List<String> args = new ArrayList<>(List.of("forget", "--quiet", "--json"));
        keep(args, "--keep-last", retention.keepLast());
        keep(args, "--keep-hourly", retention.keepHourly());
        keep(args, "--keep-daily", retention.keepDaily());
        keep(args, "--keep-weekly", retention.keepWeekly());
        keep(args, "--keep-monthly", retention.keepMonthly());
        keep(args, "--keep-yearly", retention.keepYearly());
        for (String tag : retention.keepTags()) {
            args.add("--keep-tag");
            args.add(tag);
        }
        if (retention.prune()) {
            args.add("--prune");
        }
        if (retention.dryRun()) {
            args.add("--dry-run");
        }
        return withGlobals(args);
    }

    public List<String> check() {
        return withGlobals(List.of("check", "--no-lock"));
    }

    /** Repository size as stored ({@code raw-data}, Stash's mode) and the snapshot count. */
    public List<String> stats() {
        return withGlobals(List.of("stats", "--json", "--quiet", "--mode", "raw-data"));
    }

    /**
     * @param snapshot a snapshot ID, or {@code latest}
     * @param path for {@code latest}: only snapshots that include this path; {@code null} for any
     * @param host for {@code latest}: only snapshots of this host; {@code null} for any
     * @param target the directory the snapshot's paths are recreated under ({@code /} puts them back in place)
     */
    public List<String> restore(String snapshot, String path, String host, Path target, List<String> includes,
            List<String> excludes, List<String> extraArgs) {
        List<String> args = new ArrayList<>(List.of("restore", snapshot));
        if (path != null && !path.isEmpty()) {
            args.add("--path");
            args.add(path);
        }
        if (host != null && !host.isEmpty()) {
            args.add("--host");
            args.add(host);
        }
        args.add("--target");
        args.add(target.toString());
        for (String include : includes) {
            args.add("--include");
            args.add(include);
        }
        for (String exclude : excludes) {
            args.add("--exclude");
            args.add(exclude);
        }
        args.addAll(extraArgs);
        return withGlobals(args);
    }

    private static void keep(List<String> args, String flag, int value) {
        if (value > 0) {
            args.add(flag);
            args.add(Integer.toString(value));
        }
    }

    private List<String> withGlobals(List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(globalFlags);
        return List.copyOf(all);
    }
}
