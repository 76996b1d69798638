package io.stashflow.cli;

import io.stashflow.api.registry.http.ConfluentRestSchemaRegistry;
import io.stashflow.reporter.ReporterConfig;
import io.stashflow.reporter.ReporterService;
import io.stashflow.service.config.ConfigException;
import io.stashflow.service.config.ConfigReader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stashflow reporter}: runs the status-reporter service until SIGTERM/SIGINT, then stops it gracefully.
 * Every option can also come from the environment ({@code STASHFLOW_<OPTION>}, upper case, dashes to underscores)
 * or from {@code --config-file} (a properties file with the option names as keys); flags win over the environment,
 * which wins over the file.
 */
@Command(
        name = "reporter",
        mixinStandardHelpOptions = true,
        description = {
            "Run the status-reporter: aggregates step outcomes into Stash BackupSession/RestoreSession and Repository"
                    + " status, pushes Stash's metrics to a Pushgateway and serves /healthz, /readyz, /metrics,"
                    + " /sessions and /repositories.",
            "",
            "Exit status: 0 after a clean stop, 2 for invalid configuration, 1 when the service fails to start.",
        })
public final class ReporterCommand implements Callable<Integer> {

    static final int BAD_CONFIGURATION = 2;
    static final int FAILED = 1;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (required).")
    String bootstrapServers;
    @Option(names = "--schema-registry-url", paramLabel = "URL", description = "Confluent-compatible schema registry (required).")
    String schemaRegistryUrl;
    @Option(names = "--topic-prefix", description = "Topic prefix (default stash).")
    String topicPrefix;
    @Option(names = "--application-id", description = "Kafka Streams application id (default stashflow-reporter).")
    String applicationId;
    @Option(names = "--state-dir", paramLabel = "DIR", description = "Kafka Streams state directory (default data/reporter).")
    String stateDir;
    @Option(names = "--pushgateway-url", paramLabel = "URL",
            description = "Pushgateway to push Stash's metrics to; without it sessions are final as soon as they complete.")
    String pushgatewayUrl;
    @Option(names = "--cluster-id", description = "Fleet mode: cluster id added to the Pushgateway grouping key.")
    String clusterId;
    @Option(names = "--http-host", description = "Address of the HTTP endpoint (default 127.0.0.1).")
    String httpHost;
    @Option(names = "--http-port", description = "Port of the HTTP endpoint (default 8080).")
    String httpPort;
    @Option(names = "--partitions", description = "Partitions of topics created when missing (default 3).")
    String partitions;
    @Option(names = "--replication-factor", description = "Replication of topics created when missing (default 1).")
    String replicationFactor;
    @Option(names = "--sweep-interval", description = "How often deadlines and silent agents are checked (default 30s).")
    String sweepInterval;
    @Option(names = "--agent-silence", description = "End a running session without outcomes for this long; 0 disables (default 30m).")
    String agentSilence;
    @Option(names = "--push-attempts", description = "Pushgateway attempts per session (default 5).")
    String pushAttempts;
    @Option(names = "--push-backoff", description = "First wait between push attempts, doubling (default 1s).")
    String pushBackoff;
    @Option(names = "--metrics-labels", paramLabel = "K=V,...", description = "Extra labels on every Stash series.")
    String metricsLabels;
    @Option(names = "--config-file", paramLabel = "FILE", description = "Properties file with any of the options above.")
    Path configFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> environment;

    public ReporterCommand() {
        this(System.getenv());
    }

    ReporterCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    /** The flags given, by setting name. */
    Map<String, String> flags() {
        Map<String, String> flags = new LinkedHashMap<>();
        put(flags, "bootstrap-servers", bootstrapServers);
        put(flags, "schema-registry-url", schemaRegistryUrl);
        put(flags, "topic-prefix", topicPrefix);
        put(flags, "application-id", applicationId);
        put(flags, "state-dir", stateDir);
        put(flags, "pushgateway-url", pushgatewayUrl);
        put(flags, "cluster-id", clusterId);
        put(flags, "http-host", httpHost);
        put(flags, "http-port", httpPort);
        put(flags, "partitions", partitions);
        put(flags, "replication-factor", replicationFactor);
        put(flags, "sweep-interval", sweepInterval);
        put(flags, "agent-silence", agentSilence);
        put(flags, "push-attempts", pushAttempts);
        put(flags, "push-backoff", pushBackoff);
        put(flags, "metrics-labels", metricsLabels);
        return flags;
    }

    private static void put(Map<String, String> flags, String name, String value) {
        if (value != null) {
            flags.put(name, value);
        }
    }

    /** Reads and validates the configuration; public for the standalone launcher and tests. */
    ReporterConfig config() {
        return ReporterConfig.read(ConfigReader.of("reporter", flags(), environment, Optional.ofNullable(configFile)), true);
    }

    @Override
    public Integer call() {
        ReporterConfig config;
        try {
            config = config();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return BAD_CONFIGURATION;
        }
        ReporterService service = new ReporterService(config,
                ConfluentRestSchemaRegistry.builder(config.schemaRegistryUrl().orElseThrow().toString()).build(),
                Clock.systemUTC(), Map.of());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "reporter-shutdown"));
        try {
            service.start();
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("status-reporter failed to start: " + e.getMessage());
            return FAILED;
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
