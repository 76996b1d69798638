package io.stashflow.standalone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Where the demo finds the examples: {@code --examples DIR}, else {@code deploy/examples} below the working directory,
 * else below {@code $STASHFLOW_HOME} (the checkout; the {@code ./stashflow} script sets it).
 */
public final class ExamplesSource {

    private ExamplesSource() {
    }

    /** The examples directory to use; throws naming what was tried when there is none. */
    public static Path locate(Path examplesDir) {
        if (examplesDir != null) {
            if (!Files.isDirectory(examplesDir)) {
                throw new IllegalArgumentException("--examples " + examplesDir + " is not a directory");
            }
            return examplesDir;
        }
        Path local = Path.of("deploy", "examples");
        if (Files.isDirectory(local)) {
            return local;
        }
        String home = System.getenv("STASHFLOW_HOME");
        if (home != null && Files.isDirectory(Path.of(home, "deploy", "examples"))) {
            return Path.of(home, "deploy", "examples");
        }
        throw new IllegalArgumentException("no deploy/examples below " + Path.of("").toAbsolutePath()
                + (home != null ? " or " + home : "") + ": run from the Stashflow checkout or pass --examples DIR");
    }

    /**
     * Copies the files of the example set {@code set} (a subdirectory such as {@code demo}) into {@code target},
     * replacing what was there.
     */
    public static void copy(Path examplesDir, String set, Path target) throws IOException {
        Path dir = locate(examplesDir).resolve(set);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " does not exist: the examples directory has no set '" + set + "'");
        }
        DemoData.deleteTree(target);
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
