package io.stashflow.standalone;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.registry.http.SchemaRegistryHttpServer;
import io.stashflow.api.registry.kafka.KafkaSchemaLog;
import io.stashflow.executor.ExecutorApplication;
import io.stashflow.executor.config.ExecutorConfig;
import io.stashflow.planner.service.PlannerConfig;
import io.stashflow.planner.service.PlannerService;
import io.stashflow.reporter.ReporterConfig;
import io.stashflow.reporter.ReporterService;
import io.stashflow.service.config.ConfigReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything of Stashflow in one JVM, as DESIGN.md's standalone mode describes: a KRaft broker, the schema registry
 * (kept in a compacted topic of that broker and served over Confluent's REST API), the function-planner, the job
 * executor with the local runtime and the status-reporter, all for the one cluster {@code standalone}.
 *
 * <p>All state lives below the data directory ({@code kafka/}, {@code planner/}, {@code reporter/}, {@code executor/},
 * and {@code secrets/} unless another secrets directory is given), so stopping and starting the stack on the same
 * directory keeps every session, status and schema. The services are configured through the same validated settings
 * their own commands read; nothing here has behaviour of its own.
 */
public final class StandaloneStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneStack.class);

    /** The cluster id of every standalone session, job and status. */
    public static final String CLUSTER = "standalone";

    private final Settings settings;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private EmbeddedKafkaBroker broker;
    private SchemaRegistryHttpServer registryServer;
    private EmbeddedSchemaRegistry registry;

    /**
     * Where things live and listen.
     *
     * @param dataDir           all state
     * @param definitionsDir    Stash YAML published to the definitions topic and re-read on change; empty for none
     * @param host              the address every endpoint binds to and Kafka advertises
     * @param kafkaPort         Kafka clients
     * @param controllerPort    the KRaft controller (local only, but it needs a port)
     * @param registryPort      the schema registry endpoint
     * @param statusPort        the reporter's status API and Stash's metrics
     * @param plannerPort       the planner's health and metrics endpoint
     * @param executorPort      the executor's health, metrics and queue endpoint
     * @param pushgatewayUrl    where the reporter pushes Stash's metrics; empty: served on the status port only
     * @param secretsDir        Secrets of the local runtime; empty: {@code <dataDir>/secrets}
     * @param localEntrypoints  extra {@code IMAGE=PROGRAM ARG...} entries of the local runtime
     * @param stashflowJar      the jar Stashflow's own image runs; empty: the jar this code runs from
     */
    public record Settings(Path dataDir, Optional<Path> definitionsDir, String host, int kafkaPort, int controllerPort,
                           int registryPort, int statusPort, int plannerPort, int executorPort,
                           Optional<String> pushgatewayUrl, Optional<Path> secretsDir, List<String> localEntrypoints,
                           Optional<Path> stashflowJar) {

        public static final int KAFKA_PORT = 9092;
        public static final int CONTROLLER_PORT = 9093;
        public static final int REGISTRY_PORT = 8081;
        public static final int STATUS_PORT = 8080;
        public static final int PLANNER_PORT = 8082;
        public static final int EXECUTOR_PORT = 8083;

        public Settings {
            localEntrypoints = List.copyOf(localEntrypoints);
        }

        /** DESIGN.md's defaults: everything on 127.0.0.1, Kafka 9092, registry 8081, status 8080. */
        public static Settings defaults(Path dataDir) {
            return new Settings(dataDir, Optional.empty(), "127.0.0.1", KAFKA_PORT, CONTROLLER_PORT, REGISTRY_PORT,
                    STATUS_PORT, PLANNER_PORT, EXECUTOR_PORT, Optional.empty(), Optional.empty(), List.of(),
                    Optional.empty());
        }

        public Settings withDefinitions(Path dir) {
            return new Settings(dataDir, Optional.of(dir), host, kafkaPort, controllerPort, registryPort, statusPort,
                    plannerPort, executorPort, pushgatewayUrl, secretsDir, localEntrypoints, stashflowJar);
        }

        public Settings withPorts(int kafka, int controller, int registry, int status, int planner, int executor) {
            return new Settings(dataDir, definitionsDir, host, kafka, controller, registry, status, planner, executor,
                    pushgatewayUrl, secretsDir, localEntrypoints, stashflowJar);
        }

        public Settings withPushgateway(String url) {
            return new Settings(dataDir, definitionsDir, host, kafkaPort, controllerPort, registryPort, statusPort,
                    plannerPort, executorPort, Optional.ofNullable(url), secretsDir, localEntrypoints, stashflowJar);
        }

        public Settings withSecretsDir(Path dir) {
            return new Settings(dataDir, definitionsDir, host, kafkaPort, controllerPort, registryPort, statusPort,
                    plannerPort, executorPort, pushgatewayUrl, Optional.ofNullable(dir), localEntrypoints,
                    stashflowJar);
        }

        public Settings withLocalEntrypoints(List<String> entries) {
            return new Settings(dataDir, definitionsDir, host, kafkaPort, controllerPort, registryPort, statusPort,
                    plannerPort, executorPort, pushgatewayUrl, secretsDir, entries, stashflowJar);
        }

        public Settings withStashflowJar(Path jar) {
            return new Settings(dataDir, definitionsDir, host, kafkaPort, controllerPort, registryPort, statusPort,
                    plannerPort, executorPort, pushgatewayUrl, secretsDir, localEntrypoints, Optional.ofNullable(jar));
        }

        public Settings withHost(String address) {
            return new Settings(dataDir, definitionsDir, address, kafkaPort, controllerPort, registryPort, statusPort,
                    plannerPort, executorPort, pushgatewayUrl, secretsDir, localEntrypoints, stashflowJar);
        }

        public Path effectiveSecretsDir() {
            return secretsDir.orElse(dataDir.resolve("secrets"));
        }

        /** Local runtime directory: run directories and {@code claims/<namespace>/<claim>} volumes. */
        public Path executorWorkDir() {
            return dataDir.resolve("executor");
        }

        public String bootstrapServers() {
            return host + ":" + kafkaPort;
        }

        public String registryUrl() {
            return "http://" + host + ":" + registryPort;
        }

        public String statusUrl() {
            return "http://" + host + ":" + statusPort;
        }
    }

    private StandaloneStack(Settings settings) {
        this.settings = settings;
    }

    /**
     * Starts every part, checking first that every port is free so that a taken port is reported before anything
     * has been started. On a failure whatever was started is stopped again before the exception leaves.
     *
     * @param progress one line per part started (the commands print them)
     * @throws EmbeddedKafkaBroker.PortTakenException naming the port and the option that moves it
     */
    public static StandaloneStack start(Settings settings, Consumer<String> progress) throws IOException {
        StandaloneStack stack = new StandaloneStack(settings);
        try {
            stack.startAll(progress);
            return stack;
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(Consumer<String> progress) throws IOException {
        Settings s = settings;
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("--kafka-port", s.kafkaPort());
        ports.put("--controller-port", s.controllerPort());
        ports.put("--registry-port", s.registryPort());
        ports.put("--status-port", s.statusPort());
        ports.put("--planner-port", s.plannerPort());
        ports.put("--executor-port", s.executorPort());
        for (Map.Entry<String, Integer> port : ports.entrySet()) {
            int p = port.getValue();
            if (ports.values().stream().filter(v -> v == p).count() > 1) {
                throw new IllegalArgumentException("port " + p + " is given to more than one endpoint ("
                        + String.join(", ", ports.entrySet().stream().filter(e -> e.getValue() == p)
                        .map(Map.Entry::getKey).toList()) + "): give each its own");
            }
            EmbeddedKafkaBroker.ensureFree(s.host(), p, port.getKey());
        }
        Files.createDirectories(s.dataDir());
        Files.createDirectories(s.effectiveSecretsDir());
        Files.createDirectories(s.executorWorkDir());

        broker = EmbeddedKafkaBroker.start(s.dataDir().resolve("kafka"), s.host(), s.kafkaPort(), s.controllerPort());
        started.push(broker);
        progress.accept("kafka      " + s.bootstrapServers() + " (KRaft, data in " + s.dataDir().resolve("kafka") + ")");

        KafkaSchemaLog log = KafkaSchemaLog.open(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                s.bootstrapServers()), KafkaSchemaLog.DEFAULT_TOPIC, Duration.ofSeconds(30));
        registry = new EmbeddedSchemaRegistry(log);
        started.push(registry);
        registryServer = SchemaRegistryHttpServer.start(registry, new InetSocketAddress(s.host(), s.registryPort()),
                "--registry-port");
        started.push(registryServer);
        progress.accept("registry   " + s.registryUrl() + " (Confluent REST API, schemas in topic "
                + KafkaSchemaLog.DEFAULT_TOPIC + ")");

        ReporterService reporter = new ReporterService(reporterConfig(), registry, Clock.systemUTC(), Map.of());
        started.push(reporter);
        reporter.start();
        progress.accept("reporter   status API and Stash metrics on " + s.statusUrl()
                + s.pushgatewayUrl().map(u -> ", pushing to " + u).orElse(""));

        PlannerService planner = PlannerService.start(plannerConfig(), registry, Map.of());
        started.push(planner);
        progress.accept("planner    " + s.definitionsDir().map(d -> "definitions from " + d)
                .orElse("no definitions directory") + ", health on http://" + s.host() + ":" + s.plannerPort());

        ExecutorApplication executor = ExecutorApplication.start(executorConfig(), ExecutorConfig.Mode.EXECUTOR,
                registry, () -> {
                    throw new IllegalStateException("the standalone executor runs the local runtime only");
                }, Clock.systemUTC());
        started.push(executor);
        progress.accept("executor   local runtime in " + s.executorWorkDir() + ", secrets from "
                + s.effectiveSecretsDir());
        LOG.info("standalone stack started in {}", s.dataDir());
    }

    private Map<String, String> common() {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("bootstrap-servers", settings.bootstrapServers());
        flags.put("schema-registry-url", settings.registryUrl());
        flags.put("http-host", settings.host());
        return flags;
    }

    /** The planner's settings; the environment is not consulted, so a STASHFLOW_* variable cannot leak in. */
    PlannerConfig plannerConfig() {
        Map<String, String> flags = common();
        flags.put("clusters", CLUSTER);
        flags.put("state-dir", settings.dataDir().resolve("planner").toString());
        flags.put("http-port", Integer.toString(settings.plannerPort()));
        flags.put("partitions", "3");
        settings.definitionsDir().ifPresent(d -> flags.put("definitions-dir", d.toString()));
        settings.definitionsDir().ifPresent(d -> flags.put("definitions-poll-interval", "1s"));
        settings.pushgatewayUrl().ifPresent(u -> flags.put("pushgateway-url", u));
        return PlannerConfig.read(ConfigReader.of(PlannerConfig.SERVICE, flags, Map.of(), Optional.empty()), false);
    }

    ReporterConfig reporterConfig() {
        Map<String, String> flags = common();
        flags.put("state-dir", settings.dataDir().resolve("reporter").toString());
        flags.put("http-port", Integer.toString(settings.statusPort()));
        // one machine: deadlines and silent steps are noticed within seconds rather than half a minute
        flags.put("sweep-interval", "5s");
        settings.pushgatewayUrl().ifPresent(u -> flags.put("pushgateway-url", u));
        return ReporterConfig.read(ConfigReader.of(ReporterService.SERVICE, flags, Map.of(), Optional.empty()), false);
    }

    ExecutorConfig executorConfig() {
        Map<String, String> flags = common();
        flags.put("cluster-id", CLUSTER);
        flags.put("runtime", ExecutorConfig.LOCAL);
        flags.put("work-dir", settings.executorWorkDir().toString());
        flags.put("secrets-dir", settings.effectiveSecretsDir().toString());
        flags.put("http-port", Integer.toString(settings.executorPort()));
        flags.put("check-interval", "1s");
        if (!settings.localEntrypoints().isEmpty()) {
            flags.put("local-entrypoints", String.join(";", settings.localEntrypoints()));
        }
        settings.stashflowJar().ifPresent(j -> flags.put("stashflow-jar", j.toString()));
        return ExecutorConfig.read(ConfigReader.of("executor", flags, Map.of(), Optional.empty()),
                ExecutorConfig.Mode.EXECUTOR, Map.of());
    }

    public Settings settings() {
        return settings;
    }

    public String bootstrapServers() {
        return settings.bootstrapServers();
    }

    /** The registry all services of this JVM share (the one the HTTP endpoint serves). */
    public EmbeddedSchemaRegistry registry() {
        return registry;
    }

    /** Stops the parts in the reverse order of their start: services first, the broker last. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
