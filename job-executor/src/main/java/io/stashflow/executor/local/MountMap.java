package io.stashflow.executor.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Maps a container's paths (its volume mounts and its termination message file) to directories and files of the local
 * run, and rewrites values that refer to them.
 *
 * <p>Rewriting rule, applied to the command, every argument, every environment value and the working directory:
 * <ol>
 *   <li>a value equal to a mapped path, or starting with it followed by {@code /}, has that prefix replaced by the
 *       local path ({@code /stash-tmp/output} → {@code <run>/volumes/stash-tmp-dir/output});</li>
 *   <li>otherwise, a value of the form {@code NAME=VALUE} (the usual {@code --flag=/path}) has its part after the
 *       first {@code =} rewritten by rule 1 ({@code --output-dir=/stash-tmp/output} →
 *       {@code --output-dir=<run>/volumes/stash-tmp-dir/output}).</li>
 * </ol>
 * The longest matching path wins, so a mount at {@code /data/db} beats one at {@code /data}. Paths inside a longer
 * text (a shell script given with {@code -c}) are not touched: pass paths as separate arguments or environment values.
 */
public final class MountMap {

    /** One mapped path. */
    public record Entry(String containerPath, Path localPath) {
    }

    private final List<Entry> entries;

    public MountMap(List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        // longest container path first: the most specific mount wins
        sorted.sort(Comparator.comparingInt((Entry e) -> e.containerPath().length()).reversed());
        this.entries = List.copyOf(sorted);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The value with mapped paths replaced (see the class comment), or the value itself. */
    public String rewrite(String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        String whole = rewritePath(value);
        if (whole != null) {
            return whole;
        }
        int eq = value.indexOf('=');
        if (eq > 0 && eq < value.length() - 1) {
            String after = rewritePath(value.substring(eq + 1));
            if (after != null) {
                return value.substring(0, eq + 1) + after;
            }
        }
        return value;
    }

    /** The local path for a container path, when it lies under a mapped one. */
    public Path resolve(String containerPath) {
        String rewritten = rewritePath(containerPath);
        return rewritten == null ? null : Path.of(rewritten);
    }

    private String rewritePath(String value) {
        for (Entry e : entries) {
            String p = trimSlash(e.containerPath());
            if (value.equals(p) || value.equals(p + "/")) {
                return e.localPath().toString();
            }
            if (value.startsWith(p + "/")) {
                return e.localPath().resolve(value.substring(p.length() + 1)).toString();
            }
        }
        return null;
    }

    private static String trimSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
