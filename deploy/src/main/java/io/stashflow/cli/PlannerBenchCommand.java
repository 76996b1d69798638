package io.stashflow.cli;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.planner.bench.PlannerBenchmark;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
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
                    + " ratio, and p50/p99 latency from requestedAt to JobPlanned at --rate sessions/s.",
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

    @Option(names = "--commit-interval-ms", defaultValue = "50",
            description = "Commit interval of both applications (default: ${DEFAULT-VALUE}, the planner's default).")
    int commitIntervalMillis;

    @Option(names = "--warmup-sessions", defaultValue = "10000",
            description = "Sessions of the planner's warm-up; the pass-through warms up with ten times as many"
                    + " records (default: ${DEFAULT-VALUE}).")
    int warmupSessions;

    @Option(names = "--catalog", paramLabel = "DIR",
            description = "The Stash catalog copy (default: shared/conformance/stash-catalog found by walking up from"
                    + " the working directory).")
    Path catalog;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // one log line per planned pod would drown the figures
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.stashflow"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PlannerBenchmark.Options options;
        try {
            options = new PlannerBenchmark.Options(sessions, rate, latencySeconds, warmupSessions, streamThreads,
                    commitIntervalMillis);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Path catalogDir = catalog != null ? catalog : BenchCommand.Resolve.findCatalog();
        if (catalogDir == null || !Files.isRegularFile(catalogDir.resolve("postgres-backup-function.yaml"))) {
            err.println("no Stash catalog with postgres-backup-function.yaml found"
                    + (catalog != null ? " at " + catalog : " (looked for shared/conformance/stash-catalog above "
                    + Path.of("").toAbsolutePath() + ")") + "; pass --catalog DIR");
            return 1;
        }
        out.println("command: stashflow " + String.join(" ",
                spec.root().commandLine().getParseResult().originalArgs()));
        Path work = Files.createTempDirectory("stashflow-bench-planner");
        try (EmbeddedBroker broker = EmbeddedBroker.start(work.resolve("broker"))) {
            out.println("broker:  in-process KRaft (Kafka production jars), combined broker/controller at "
                    + broker.bootstrapServers());
            new PlannerBenchmark(broker.bootstrapServers(), EmbeddedSchemaRegistry.inMemory(), catalogDir,
                    work.resolve("streams"), options, out).run();
            return 0;
        } catch (IllegalStateException e) {
            err.println("the benchmark did not complete: " + e.getMessage());
            return 1;
        } finally {
            deleteQuietly(work);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp directory; the OS cleans it eventually
        }
    }

    /**
     * A single-node KRaft broker (combined broker and controller) from Kafka's production jars, the way Kafka's own
     * test kit starts one, without its test jars: format the log directory, then run {@link KafkaRaftServer}.
     * Replication factors are 1; ports are free ones on localhost.
     */
    static final class EmbeddedBroker implements AutoCloseable {

        private final KafkaRaftServer server;
        private final String bootstrapServers;

        private EmbeddedBroker(KafkaRaftServer server, String bootstrapServers) {
            this.server = server;
            this.bootstrapServers = bootstrapServers;
        }

        static EmbeddedBroker start(Path dataDir) throws Exception {
            Files.createDirectories(dataDir);
            int port = freePort();
            int controllerPort = freePort();
            String data = dataDir.toAbsolutePath().toString();
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", "1");
            p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
            p.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
            p.put("controller.listener.names", "CONTROLLER");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("log.dirs", data);
            p.put("offsets.topic.replication.factor", "1");
            p.put("offsets.topic.num.partitions", "6");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("transaction.state.log.num.partitions", "6");
            p.put("share.coordinator.state.topic.replication.factor", "1");
            p.put("share.coordinator.state.topic.min.isr", "1");
            p.put("group.initial.rebalance.delay.ms", "0");
            p.put("auto.create.topics.enable", "false");
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(1)
                    .setDirectories(List.of(data))
                    .setMetadataLogDirectory(data)
                    .setControllerListenerName("CONTROLLER")
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(p, false), Time.SYSTEM);
            server.startup();
            return new EmbeddedBroker(server, "localhost:" + port);
        }

        String bootstrapServers() {
            return bootstrapServers;
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }

        @Override
        public void close() {
            server.shutdown();
            server.awaitShutdown();
        }
    }
}
