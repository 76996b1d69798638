package io.stashflow.cli;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.bench.FleetBenchmark;
import io.stashflow.planner.bench.BenchDefinitions;
import io.stashflow.service.config.ConfigReader;
import io.stashflow.standalone.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stashflow bench fleet}: one planner, one reporter and an agent per cluster on simulated clusters, in this JVM
 * on an in-process KRaft broker; every BackupConfiguration fires at one cron tick. See {@link FleetBenchmark}.
 */
@Command(
        name = "fleet",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmark fleet mode: one planner and one reporter for --clusters agents, all in this JVM on an in-process"
                    + " Kafka broker. The clusters are SIMULATED: each agent is the real executor in agent mode, but"
                    + " on a simulated runtime where every step of a plan finishes after --step-delay (no API server,"
                    + " no pods, no processes). Every cluster gets --sessions/--clusters BackupConfigurations of the"
                    + " catalog's postgres Task with one cron schedule, and the planner's scheduler fires them all at"
                    + " one tick.",
            "Prints the time from the tick until every session is requested, planned (JobPlanned readable),"
                    + " dispatched (a run created by its agent) and final in <prefix>.session-status; the heap of the"
                    + " JVM as a whole and, by service, bytes allocated, CPU time and threads; and the rate of a"
                    + " pass-through Streams app copying the same SessionRequested records in the same run.",
            "Checks that every expected session is final, none is unexpected, and no SessionRequested, JobPlanned"
                    + " or run is duplicated. Exit status 1 when any is lost or duplicated, or the run does not"
                    + " complete.",
        })
public final class FleetBenchCommand implements Callable<Integer> {

    @Option(names = "--clusters", defaultValue = "100", description = "Clusters, one agent each (default:"
            + " ${DEFAULT-VALUE}).")
    int clusters;

    @Option(names = "--sessions", defaultValue = "10000", description = "Sessions in total, a multiple of --clusters:"
            + " each cluster gets sessions/clusters BackupConfigurations, all due at the tick (default:"
            + " ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--step-delay", defaultValue = "1s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long every simulated step runs, e.g. 10ms, 1s, 2m (default: ${DEFAULT-VALUE}).")
    Duration stepDelay;

    @Option(names = "--failure-ratio", defaultValue = "0", description = "Share of the plans whose first simulated"
            + " step fails, 0 to 1; chosen by a hash of the plan id (default: ${DEFAULT-VALUE}).")
    double failureRatio;

    @Option(names = "--namespaces", defaultValue = "10", description = "Namespaces per cluster the"
            + " BackupConfigurations are spread over, each with its Repository (default: ${DEFAULT-VALUE}).")
    int namespaces;

    @Option(names = "--tick-lead", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Time from writing the definitions to the tick, for the planner to start and read them"
                    + " (default: 15s plus 5s per 1,000 sessions).")
    Duration tickLead;

    @Option(names = "--timeout", defaultValue = "30m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long after the tick to wait for every session to be final (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of every topic (default:"
            + " ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--simulation-threads", defaultValue = "2", description = "Timer threads shared by all simulated"
            + " clusters (default: ${DEFAULT-VALUE}).")
    int simulationThreads;

    @Option(names = "--catalog", paramLabel = "DIR",
            description = "The Stash catalog copy (default: shared/conformance/stash-catalog found by walking up from"
                    + " the working directory).")
    Path catalog;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Go-style durations ({@code 10ms}, {@code 1.5s}, {@code 2m}) or ISO-8601. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return ConfigReader.parseDuration(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration: write e.g. 10ms, 1s, 2m or PT1S"));
        }
    }

    @Override
    public Integer call() throws Exception {
        BenchSupport.quietServiceLogs();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FleetBenchmark.Options options;
        try {
            options = new FleetBenchmark.Options(clusters, sessions, stepDelay, failureRatio, namespaces, tickLead,
                    timeout, partitions, simulationThreads);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Path catalogDir = BenchSupport.catalog(catalog, BenchDefinitions.CATALOG_FILES, err);
        if (catalogDir == null) {
            return 1;
        }
        out.println("command: stashflow " + String.join(" ",
                spec.root().commandLine().getParseResult().originalArgs()));
        Path work = Files.createTempDirectory("stashflow-bench-fleet");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePorts(work.resolve("broker"))) {
            out.println("broker:  in-process KRaft (Kafka production jars), combined broker/controller at "
                    + broker.bootstrapServers());
            FleetBenchmark.Result result = new FleetBenchmark(broker.bootstrapServers(),
                    EmbeddedSchemaRegistry.inMemory(), catalogDir, work, options, out).run();
            return result.check().ok() ? 0 : 1;
        } catch (IllegalStateException e) {
            out.flush();
            err.println("the benchmark did not complete: " + e.getMessage());
            return 1;
        } finally {
            BenchSupport.deleteQuietly(work);
        }
    }
}
