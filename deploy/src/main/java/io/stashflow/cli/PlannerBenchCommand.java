package io.stashflow.cli;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.planner.bench.BenchDefinitions;
import io.stashflow.planner.bench.PlannerBenchmark;
import io.stashflow.standalone.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stashflow bench planner}: the planner's sessions/s next to a Kafka Streams pass-through of the same
 * records, and its latency at a fixed rate (see {@link PlannerBenchmark}), on a KRaft broker started in this JVM.
 */
@Command(
        name = "planner",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmark the function-planner on an in-process Kafka broker: sessions/s planned (SessionRequested ->"
                    + " JobPlanned, exactly_once_v2) for 100 BackupConfigurations of the catalog's postgres Task, the"
                    + " rate of a pass-through Streams application copying the same records in the same run, their"
                    + " ratio (each measured --rounds times, medians reported), and p50/p99 latency from requestedAt"
                    + " to JobPlanned at --rate sessions/s.",
            "Both applications run throughout (rates of running services, start-up not counted): each batch is"
                    + " written in one transaction and timed from its commit to its last output being readable."
                    + " The time each application took from start to RUNNING is reported on its own.",
            "Exit status 1 when a phase does not complete (a session not planned, or rejected).",
        })
public final class PlannerBenchCommand implements Callable<Integer> {

    @Option(names = "--sessions", defaultValue = "100000",
            description = "Sessions of the throughput phases (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--rate", defaultValue = "1000",
            description = "Sessions per second of the latency phase (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--latency-seconds", defaultValue = "20",
            description = "Length of the latency phase (default: ${DEFAULT-VALUE}).")
    double latencySeconds;

    @Option(names = "--stream-threads", defaultValue = "1",
            description = "Stream threads of both applications (default: ${DEFAULT-VALUE}, the planner's default).")
    int streamThreads;

    @Option(names = "--commit-interval-ms", defaultValue = "100",
            description = "Commit interval of both applications (default: ${DEFAULT-VALUE}, the planner's default).")
    int commitIntervalMillis;

    @Option(names = "--warmup-sessions", defaultValue = "150000",
            description = "Sessions the planner is given before the rounds, on the same running application; the"
                    + " pass-through gets three times as many records (default: ${DEFAULT-VALUE}: the planner's rounds"
                    + " stop getting faster from one to the next after about that many).")
    int warmupSessions;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Pass-through and planner pairs measured; the report gives each round and the medians, the"
                    + " ratio being the median of the rounds' ratios (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the broker's log and the Streams state go (a new directory inside DIR, removed"
                    + " afterwards). Default: /dev/shm when it is a writable directory with at least 4 GiB free, else"
                    + " the system temp directory. In memory, the kernel's write-back of the broker's log (the plans"
                    + " are 2-3 KB each) does not take CPU from the planner on the same machine, as it would not"
                    + " with a broker of its own.")
    Path workDir;

    @Option(names = "--catalog", paramLabel = "DIR",
            description = "The Stash catalog copy (default: shared/conformance/stash-catalog found by walking up from"
                    + " the working directory).")
    Path catalog;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final Path SHARED_MEMORY = Path.of("/dev/shm");
    private static final long MEMORY_NEEDED = 4L << 30;

    /** {@code --work-dir}, else /dev/shm when usable, else null (the system temp directory). */
    private Path workRoot() throws IOException {
        if (workDir != null) {
            Files.createDirectories(workDir);
            return workDir;
        }
        if (Files.isDirectory(SHARED_MEMORY) && Files.isWritable(SHARED_MEMORY)
                && Files.getFileStore(SHARED_MEMORY).getUsableSpace() >= MEMORY_NEEDED) {
            return SHARED_MEMORY;
        }
        return null;
    }

    private static boolean isMemory(Path dir) {
        try {
            return "tmpfs".equals(Files.getFileStore(dir).type());
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Integer call() throws Exception {
        BenchSupport.quietServiceLogs();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PlannerBenchmark.Options options;
        try {
            options = new PlannerBenchmark.Options(sessions, rate, latencySeconds, warmupSessions, streamThreads,
                    commitIntervalMillis, rounds);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Path catalogDir = BenchSupport.catalog(catalog, BenchDefinitions.CATALOG_FILES, err);
        if (catalogDir == null) {
            return 1;
        }
        out.println("command: stashflow " + String.join(" ",
                spec.root().commandLine().getParseResult().originalArgs()));
        Path root = workRoot();
        Path work = root == null ? Files.createTempDirectory("stashflow-bench-planner")
                : Files.createTempDirectory(root, "stashflow-bench-planner");
        out.println("work:    " + work + (isMemory(work) ? " (memory)" : " (disk)")
                + ": the broker's log and the Streams state");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePorts(work.resolve("broker"))) {
            out.println("broker:  in-process KRaft (Kafka production jars), combined broker/controller at "
                    + broker.bootstrapServers());
            new PlannerBenchmark(broker.bootstrapServers(), EmbeddedSchemaRegistry.inMemory(), catalogDir,
                    work.resolve("streams"), options, out).run();
            return 0;
        } catch (IllegalStateException e) {
            err.println("the benchmark did not complete: " + e.getMessage());
            return 1;
        } finally {
            BenchSupport.deleteQuietly(work);
        }
    }
}
