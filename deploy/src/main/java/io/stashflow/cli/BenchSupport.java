package io.stashflow.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** What the benchmark commands ({@code bench planner}, {@code bench fleet}, {@code bench executor}) share. */
final class BenchSupport {

    private BenchSupport() {
    }

    /** Per-record INFO lines of the services, and the clients' warnings as they close, would drown the figures. */
    static void quietServiceLogs() {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.stashflow"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        // a global consumer closing with fetches in flight warns once per partition that it no longer owns it
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                "org.apache.kafka.clients.consumer.internals.OffsetFetcherUtils"))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
    }

    /**
     * The Stash catalog directory holding {@code files}: {@code given}, else the shared conformance copy found above
     * the working directory. Null, with the reason written to {@code err}, when there is none.
     */
    static Path catalog(Path given, List<String> files, PrintWriter err) {
        Path dir = given != null ? given : BenchCommand.Resolve.findCatalog();
        if (dir == null || files.stream().anyMatch(f -> !Files.isRegularFile(dir.resolve(f)))) {
            err.println("no Stash catalog with " + String.join(" and ", files) + " found"
                    + (given != null ? " at " + given : " (looked for shared/conformance/stash-catalog above "
                    + Path.of("").toAbsolutePath() + ")") + "; pass --catalog DIR");
            return null;
        }
        return dir;
    }

    /** Removes a benchmark's temporary directory; what cannot be removed is left to the OS. */
    static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp directory; the OS cleans it eventually
        }
    }
}
