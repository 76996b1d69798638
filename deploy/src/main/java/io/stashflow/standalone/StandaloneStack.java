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
 *
 * <p>For fault drills and operations each service can be stopped and started again on its own
 * ({@link #stop(Service)}, {@link #start(Service)}), the executor can be killed as {@code kill -9} would
 * ({@link #crashExecutor()}), and the broker can be stopped and restarted on its data directory ({@link #stopBroker()},
 * {@link #startBroker()}) while the services keep running.
 */
public final class StandaloneStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneStack.class);

    /** The cluster id of every standalone session, job and status. */
    public static final String CLUSTER = "standalone";

    /** The services of the stack, each of which can be stopped and started again on its own. */
    public enum Service {
        PLANNER("planner"), EXECUTOR("executor"), REPORTER("reporter");

        private final String id;

        Service(String id) {
            this.id = id;
        }

        /** The name its command and settings use ({@code planner}, {@code executor}, {@code reporter}). */
        public String id() {
            return id;
        }

        static Optional<Service> named(String id) {
            for (Service s : values()) {
                if (s.id.equals(id)) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        }
    }

    private final Settings settings;
    private EmbeddedKafkaBroker broker;
    private SchemaRegistryHttpServer registryServer;
    private EmbeddedSchemaRegistry registry;
    private ReporterService reporter;
    private PlannerService planner;
    private ExecutorApplication executor;

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
     * @param serviceSettings   further settings of one service, keyed {@code <service>.<setting>} (services
     *                          {@code planner}, {@code executor}, {@code reporter}; settings as their own commands
     *                          name them, e.g. {@code reporter.push-attempts}); they win over the stack's own
     */
    public record Settings(Path dataDir, Optional<Path> definitionsDir, String host, int kafkaPort, int controllerPort,
                           int registryPort, int statusPort, int plannerPort, int executorPort,
                           Optional<String> pushgatewayUrl, Optional<Path> secretsDir, List<String> localEntrypoints,
                           Optional<Path> stashflowJar, Map<String, String> serviceSettings) {

        public static final int KAFKA_PORT = 9092;
        public static final int CONTROLLER_PORT = 9093;
        public static final int REGISTRY_PORT = 8081;
        public static final int STATUS_PORT = 8080;
        public static final int PLANNER_PORT = 8082;
        public static final int EXECUTOR_PORT = 8083;

        public Settings {
            localEntrypoints = List.copyOf(localEntrypoints);
            serviceSettings = Map.copyOf(serviceSettings);
            for (String key : serviceSettings.keySet()) {
                int dot = key.indexOf('.');
                if (dot < 1 || dot == key.length() - 1 || Service.named(key.substring(0, dot)).isEmpty()) {
                    throw new IllegalArgumentException("service setting '" + key + "' is not <service>.<setting>"
                            + " with service planner, executor or reporter");
                }
            }
        }

        /** DESIGN.md's defaults: everything on 127.0.0.1, Kafka 9092, registry 8081, status 8080. */
        public static Settings defaults(Path dataDir) {
            return new Settings(dataDir, Optional.empty(), "127.0.0.1", KAFKA_PORT, CONTROLLER_PORT, REGISTRY_PORT,
                    STATUS_PORT, PLANNER_PORT, EXECUTOR_PORT, Optional.empty(), Optional.empty(), List.of(),
                    Optional.empty(), Map.of());
        }

        public Settings withDefinitions(Path dir) {
            return new Settings(dataDir, Optional.of(dir), host, kafkaPort, controllerPort, registryPort, statusPort,
                    plannerPort, executorPort, pushgatewayUrl, secretsDir, localEntrypoints, stashflowJar,
                    serviceSettings);
        }

        public Settings withPorts(int kafka, int controller, int registry, int status, int planner, int executor) {
            return new Settings(dataDir, definitionsDir, host, kafka, controller, registry, status, planner, executor,
                    pushgatewayUrl, secretsDir, localEntrypoints, stashflowJar, serviceSettings);
        }

        public Settings withPushgateway(String url) {
            return new Settings(dataDir, definitionsDir, host, kafkaPort, controllerPort, registryPort, statusPort,
                    plannerPort, executorPort, Optional.ofNullable(url), secretsDir, localEntrypoints, stashflowJar,
                    serviceSettings);
        }

        public Settings withSecretsDir(Path dir) {
            return new Settings(dataDir, definitionsDir, host, kafkaPort, controllerPort, registryPort, statusPort,
                    plannerPort, executorPort, pushgatewayUrl, Optional.ofNullable(dir), localEntrypoints,
                    stashflowJar, serviceSettings);
        }

        public Settings withLocalEntrypoints(List<String> entries) {
            return new Settings(dataDir, definitionsDir, host, kafkaPort, controllerPort, registryPort, statusPort,
                    plannerPort, executorPort, pushgatewayUrl, secretsDir, entries, stashflowJar, serviceSettings);
        }

        public Settings withStashflowJar(Path jar) {
            return new Settings(dataDir, definitionsDir, host, kafkaPort, controllerPort, registryPort, statusPort,
                    plannerPort, executorPort, pushgatewayUrl, secretsDir, localEntrypoints, Optional.ofNullable(jar),
                    serviceSettings);
        }

        public Settings withHost(String address) {
            return new Settings(dataDir, definitionsDir, address, kafkaPort, controllerPort, registryPort, statusPort,
                    plannerPort, executorPort, pushgatewayUrl, secretsDir, localEntrypoints, stashflowJar,
                    serviceSettings);
        }

        /** One more setting of one service, e.g. {@code withServiceSetting(Service.REPORTER, "push-attempts", "30")}. */
        public Settings withServiceSetting(Service service, String name, String value) {
            Map<String, String> all = new LinkedHashMap<>(serviceSettings);
            all.put(service.id() + "." + name, value);
            return new Settings(dataDir, definitionsDir, host, kafkaPort, controllerPort, registryPort, statusPort,
                    plannerPort, executorPort, pushgatewayUrl, secretsDir, localEntrypoints, stashflowJar, all);
        }

        /** The settings given for {@code service}, without the service prefix. */
        Map<String, String> settingsOf(Service service) {
            Map<String, String> own = new LinkedHashMap<>();
            String prefix = service.id() + ".";
            serviceSettings.forEach((key, value) -> {
                if (key.startsWith(prefix)) {
                    own.put(key.substring(prefix.length()), value);
                }
            });
            return own;
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

        startBroker();
        progress.accept("kafka      " + s.bootstrapServers() + " (KRaft, data in " + s.dataDir().resolve("kafka") + ")");

        KafkaSchemaLog log = KafkaSchemaLog.open(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                s.bootstrapServers()), KafkaSchemaLog.DEFAULT_TOPIC, Duration.ofSeconds(30));
        registry = new EmbeddedSchemaRegistry(log);
        registryServer = SchemaRegistryHttpServer.start(registry, new InetSocketAddress(s.host(), s.registryPort()),
                "--registry-port");
        progress.accept("registry   " + s.registryUrl() + " (Confluent REST API, schemas in topic "
                + KafkaSchemaLog.DEFAULT_TOPIC + ")");

        start(Service.REPORTER);
        progress.accept("reporter   status API and Stash metrics on " + s.statusUrl()
                + s.pushgatewayUrl().map(u -> ", pushing to " + u).orElse(""));
        start(Service.PLANNER);
        progress.accept("planner    " + s.definitionsDir().map(d -> "definitions from " + d)
                .orElse("no definitions directory") + ", health on http://" + s.host() + ":" + s.plannerPort());
        start(Service.EXECUTOR);
        progress.accept("executor   local runtime in " + s.executorWorkDir() + ", secrets from "
                + s.effectiveSecretsDir());
        LOG.info("standalone stack started in {}", s.dataDir());
    }

    /**
     * Starts one service again after {@link #stop(Service)} or {@link #crashExecutor()}, with the same settings and
     * state directory (a restart: it resumes from its committed offsets and its state). Fails when it runs.
     */
    public synchronized void start(Service service) {
        if (running(service)) {
            throw new IllegalStateException("the " + service.id() + " of this stack is running already");
        }
        switch (service) {
            case REPORTER -> {
                ReporterService started = new ReporterService(reporterConfig(), registry, Clock.systemUTC(), Map.of());
                try {
                    started.start();
                } catch (RuntimeException e) {
                    started.close();
                    throw e;
                }
                reporter = started;
            }
            case PLANNER -> planner = PlannerService.start(plannerConfig(), registry, Map.of());
            case EXECUTOR -> executor = ExecutorApplication.start(executorConfig(), ExecutorConfig.Mode.EXECUTOR,
                    registry, () -> {
                        throw new IllegalStateException("the standalone executor runs the local runtime only");
                    }, Clock.systemUTC());
        }
        LOG.info("standalone {} started", service.id());
    }

    /** Stops one service gracefully, as its own command does on SIGTERM; the others keep running. */
    public synchronized void stop(Service service) {
        AutoCloseable part = switch (service) {
            case REPORTER -> reporter;
            case PLANNER -> planner;
            case EXECUTOR -> executor;
        };
        switch (service) {
            case REPORTER -> reporter = null;
            case PLANNER -> planner = null;
            case EXECUTOR -> executor = null;
        }
        closeQuietly(part);
        LOG.info("standalone {} stopped", service.id());
    }

    /**
     * Kills the executor the way {@code kill -9} would (see {@link ExecutorApplication#abandon()}): no final offset
     * commit, step processes left running, unacknowledged outcomes dropped. For crash drills; start it again with
     * {@link #start(Service)}.
     */
    public synchronized void crashExecutor() {
        if (executor != null) {
            executor.abandon();
            executor = null;
            LOG.info("standalone executor killed");
        }
    }

    /** Whether the service runs (started and neither stopped nor crashed since). */
    public synchronized boolean running(Service service) {
        return switch (service) {
            case REPORTER -> reporter != null;
            case PLANNER -> planner != null;
            case EXECUTOR -> executor != null;
        };
    }

    /**
     * Stops the Kafka broker (controlled shutdown) and leaves everything else running, as an outage of the broker
     * looks to the services. {@link #startBroker()} brings it back on the same data directory and ports.
     */
    public synchronized void stopBroker() {
        EmbeddedKafkaBroker running = broker;
        broker = null;
        closeQuietly(running);
        LOG.info("standalone Kafka broker stopped");
    }

    /** Whether the broker runs (started and not stopped since). */
    public synchronized boolean brokerRunning() {
        return broker != null;
    }

    /** Starts the broker on the stack's data directory and ports, keeping every topic, offset and transaction. */
    public synchronized void startBroker() throws IOException {
        if (broker != null) {
            throw new IllegalStateException("the Kafka broker of this stack is running already");
        }
        broker = EmbeddedKafkaBroker.start(settings.dataDir().resolve("kafka"), settings.host(), settings.kafkaPort(),
                settings.controllerPort());
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
        flags.putAll(settings.settingsOf(Service.PLANNER));
        return PlannerConfig.read(ConfigReader.of(PlannerConfig.SERVICE, flags, Map.of(), Optional.empty()), false);
    }

    ReporterConfig reporterConfig() {
        Map<String, String> flags = common();
        flags.put("state-dir", settings.dataDir().resolve("reporter").toString());
        flags.put("http-port", Integer.toString(settings.statusPort()));
        // one machine: deadlines and silent steps are noticed within seconds rather than half a minute
        flags.put("sweep-interval", "5s");
        settings.pushgatewayUrl().ifPresent(u -> flags.put("pushgateway-url", u));
        flags.putAll(settings.settingsOf(Service.REPORTER));
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
        flags.putAll(settings.settingsOf(Service.EXECUTOR));
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

    /** The executor's service, while it runs (its agent, HTTP port); empty when stopped. */
    public synchronized Optional<ExecutorApplication> executor() {
        return Optional.ofNullable(executor);
    }

    /** Stops the parts in the reverse order of their start: services first, the broker last. */
    @Override
    public synchronized void close() {
        for (Service service : List.of(Service.EXECUTOR, Service.PLANNER, Service.REPORTER)) {
            stop(service);
        }
        closeQuietly(registryServer);
        registryServer = null;
        closeQuietly(registry);
        registry = null;
        stopBroker();
    }

    private static void closeQuietly(AutoCloseable part) {
        if (part == null) {
            return;
        }
        try {
            part.close();
        } catch (Exception e) {
            LOG.warn("stopping {} failed: {}", part.getClass().getSimpleName(), e.toString());
        }
    }
}
