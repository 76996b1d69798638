package io.stashflow.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Compares two directory trees byte for byte: the same relative paths, the same kinds (directory, file, symbolic
 * link), the same file contents and link targets. Used by the demo and the end-to-end tests to prove a restore.
 *
 * @param files       regular files compared
 * @param bytes       their total size
 * @param differences one line per difference (empty when the trees are equal)
 */
public record DirectoryComparison(int files, long bytes, List<String> differences) {

    public boolean equal() {
        return differences.isEmpty();
    }

    public static DirectoryComparison compare(Path expected, Path actual) {
        TreeSet<String> all = new TreeSet<>();
        all.addAll(relativePaths(expected));
        all.addAll(relativePaths(actual));
        List<String> differences = new ArrayList<>();
        int files = 0;
        long bytes = 0;
        for (String relative : all) {
            Path a = expected.resolve(relative);
            Path b = actual.resolve(relative);
            boolean inA = Files.exists(a, LinkOption.NOFOLLOW_LINKS);
            boolean inB = Files.exists(b, LinkOption.NOFOLLOW_LINKS);
            if (!inB) {
                differences.add("missing: " + relative);
                continue;
            }
            if (!inA) {
                differences.add("unexpected: " + relative);
                continue;
            }
            try {
                if (Files.isSymbolicLink(a) || Files.isSymbolicLink(b)) {
                    if (!Files.isSymbolicLink(a) || !Files.isSymbolicLink(b)
                            || !Files.readSymbolicLink(a).equals(Files.readSymbolicLink(b))) {
                        differences.add("symbolic link differs: " + relative);
                    }
                } else if (Files.isDirectory(a) != Files.isDirectory(b)) {
                    differences.add("kind differs: " + relative);
                } else if (Files.isRegularFile(a)) {
                    files++;
                    bytes += Files.size(a);
                    if (Files.mismatch(a, b) != -1) {
                        differences.add("content differs: " + relative);
                    }
                }
            } catch (IOException e) {
                differences.add("cannot compare " + relative + ": " + e.getMessage());
            }
        }
        return new DirectoryComparison(files, bytes, List.copyOf(differences));
    }

    private static List<String> relativePaths(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
