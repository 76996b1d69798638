package io.stashflow.cli;

import io.stashflow.planner.service.PlannerConfig;
import io.stashflow.planner.service.PlannerService;
import io.stashflow.service.config.ConfigException;
import io.stashflow.service.config.ConfigReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stashflow planner}: runs the function-planner service until SIGTERM/SIGINT, then stops it gracefully. Every
 * option can also come from the environment ({@code STASHFLOW_<OPTION>}, upper case, dashes to underscores) or from
 * {@code --config-file} (a properties file with the option names as keys); flags win over the environment, which
 * wins over the file.
 */
@Command(
        name = "planner",
        mixinStandardHelpOptions = true,
        description = {
            "Run the function-planner: turns session requests and the Stash definitions into resolved pods"
                    + " (JobPlanned) with Stash's lifecycle rules, schedules BackupConfigurations and BackupBatches,"
                    + " retries failed sessions, and serves /healthz, /readyz and /metrics.",
            "",
            "Exit status: 0 after a clean stop, 2 for invalid configuration, 1 when the service fails to start.",
        })
public final class PlannerCommand implements Callable<Integer> {

    static final int BAD_CONFIGURATION = 2;
    static final int FAILED = 1;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (required).")
    String bootstrapServers;
    @Option(names = "--schema-registry-url", paramLabel = "URL",
            description = "Confluent-compatible schema registry (required).")
    String schemaRegistryUrl;
    @Option(names = "--topic-prefix", description = "Topic prefix (default stash).")
    String topicPrefix;
    @Option(names = "--application-id",
            description = "Kafka Streams application id (default stashflow-planner; the scheduler adds -scheduler).")
    String applicationId;
    @Option(names = "--state-dir", paramLabel = "DIR", description = "Kafka Streams state directory (default data/planner).")
    String stateDir;
    @Option(names = "--clusters", paramLabel = "ID,...",
            description = "Cluster ids whose sessions this planner plans and whose invokers it schedules"
                    + " (default standalone).")
    String clusters;
    @Option(names = "--resolver-image", paramLabel = "REGISTRY/REPOSITORY:TAG",
            description = "Stashflow's image for the built-in Functions and hook containers.")
    String resolverImage;
    @Option(names = "--pushgateway-url", paramLabel = "URL",
            description = "PROMETHEUS_PUSHGATEWAY_URL of the resolved pods (default Stash's http://localhost:56789).")
    String pushgatewayUrl;
    @Option(names = "--license-apiservice", description = "LICENSE_APISERVICE of the resolved pods (default empty).")
    String licenseApiService;
    @Option(names = "--definitions-dir", paramLabel = "DIR",
            description = "Publish the Stash YAML/JSON files of this directory to the definitions topic (for the"
                    + " first cluster) and keep them in step.")
    String definitionsDir;
    @Option(names = "--definitions-poll-interval", description = "How often the directory is read (default 2s).")
    String definitionsPollInterval;
    @Option(names = "--http-host", description = "Address of the HTTP endpoint (default 0.0.0.0).")
    String httpHost;
    @Option(names = "--http-port", description = "Port of the HTTP endpoint (default 8082).")
    String httpPort;
    @Option(names = "--partitions",
            description = "Partitions of topics created when missing and of the planner's internal topics (default 6).")
    String partitions;
    @Option(names = "--replication-factor", description = "Replication of topics created when missing (default 1).")
    String replicationFactor;
    @Option(names = "--stream-threads", description = "Kafka Streams threads per application (default 1).")
    String streamThreads;
    @Option(names = "--commit-interval", description = "Kafka Streams commit interval (default 100ms, Kafka Streams' own under exactly-once).")
    String commitInterval;
    @Option(names = "--recheck-interval", description = "How often pending sessions and retries are looked at (default 1s).")
    String recheckInterval;
    @Option(names = "--definitions-grace",
            description = "How long a session waits for a missing definition before it is rejected (default 10s).")
    String definitionsGrace;
    @Option(names = "--retention", description = "How long sessions are remembered for duplicate detection (default 168h).")
    String retention;
    @Option(names = "--schedule-jitter",
            description = "Spread each invoker's ticks by a fixed delay of up to this much (default 0: off).")
    String scheduleJitter;
    @Option(names = "--schedule-time-zone", description = "Zone of cron schedules (default UTC).")
    String scheduleTimeZone;
    @Option(names = "--schedule-check-interval", description = "Precision of schedule ticks (default 1s).")
    String scheduleCheckInterval;
    @Option(names = "--close-timeout", description = "How long a graceful stop may take (default 30s).")
    String closeTimeout;
    @Option(names = "--create-topics", description = "Create missing topics at start (default true).")
    String createTopics;
    @Option(names = "--plan-cache-size",
            description = "Invokers whose resolved pods each task keeps for their next sessions (default 1000;"
                    + " 0: off).")
    String planCacheSize;
    @Option(names = "--config-file", paramLabel = "FILE", description = "Properties file with any of the options above.")
    Path configFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> environment;

    public PlannerCommand() {
        this(System.getenv());
    }

    PlannerCommand(Map<String, String> environment) {
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
        put(flags, "clusters", clusters);
        put(flags, "resolver-image", resolverImage);
        put(flags, "pushgateway-url", pushgatewayUrl);
        put(flags, "license-apiservice", licenseApiService);
        put(flags, "definitions-dir", definitionsDir);
        put(flags, "definitions-poll-interval", definitionsPollInterval);
        put(flags, "http-host", httpHost);
        put(flags, "http-port", httpPort);
        put(flags, "partitions", partitions);
        put(flags, "replication-factor", replicationFactor);
        put(flags, "stream-threads", streamThreads);
        put(flags, "commit-interval", commitInterval);
        put(flags, "recheck-interval", recheckInterval);
        put(flags, "definitions-grace", definitionsGrace);
        put(flags, "retention", retention);
        put(flags, "schedule-jitter", scheduleJitter);
        put(flags, "schedule-time-zone", scheduleTimeZone);
        put(flags, "schedule-check-interval", scheduleCheckInterval);
        put(flags, "close-timeout", closeTimeout);
        put(flags, "create-topics", createTopics);
        put(flags, "plan-cache-size", planCacheSize);
        return flags;
    }

    private static void put(Map<String, String> flags, String name, String value) {
        if (value != null) {
            flags.put(name, value);
        }
    }

    /** Reads and validates the configuration. */
    PlannerConfig config() {
        return PlannerConfig.read(ConfigReader.of(PlannerConfig.SERVICE, flags(), environment,
                Optional.ofNullable(configFile)), true);
    }

    @Override
    public Integer call() {
        PlannerConfig config;
        try {
            config = config();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return BAD_CONFIGURATION;
        }
        PlannerService service;
        try {
            service = PlannerService.start(config, null, Map.of());
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("function-planner failed to start: " + e.getMessage());
            return FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "planner-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
