package io.stashflow.executor;

import com.sun.net.httpserver.HttpExchange;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.api.registry.SchemaRegistry;
import io.stashflow.api.rejected.KafkaRejectedSink;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.events.Definition;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.Rejected;
import io.stashflow.events.RepositoryStatus;
import io.stashflow.events.SessionRequested;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.StepOutcome;
import io.stashflow.executor.agent.AgentKafkaClients;
import io.stashflow.executor.agent.AgentSettings;
import io.stashflow.executor.agent.JobAgent;
import io.stashflow.executor.config.ExecutorConfig;
import io.stashflow.executor.kubernetes.KubernetesJobRuntime;
import io.stashflow.executor.kubernetes.KubernetesRuntimeSettings;
import io.stashflow.executor.limits.JobScheduler;
import io.stashflow.executor.local.DirectorySecretSource;
import io.stashflow.executor.local.EntrypointMap;
import io.stashflow.executor.local.LocalProcessRuntime;
import io.stashflow.executor.local.LocalRuntimeSettings;
import io.stashflow.executor.local.LocalStepPreparer;
import io.stashflow.executor.mirror.ClusterMirror;
import io.stashflow.executor.runtime.JobRuntime;
import io.stashflow.reporter.k8s.StatusWriteBack;
import io.stashflow.reporter.k8s.StatusWriteBackRunner;
import io.stashflow.service.http.ServiceHttpServer;
import io.stashflow.service.kafka.TopicBootstrap;
import io.stashflow.service.metrics.ServiceMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor service, wired: topics, Kafka clients, the runtime, the agent, the cluster mirror (agent mode) and the
 * HTTP endpoint ({@code /healthz}, {@code /readyz}, {@code /metrics}, {@code /queue}). {@link #close()} stops it in
 * reverse order: no new plans, then the runtime (a local runtime reports its stopped steps), then the producers flush.
 */
public final class ExecutorApplication implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorApplication.class);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private JobAgent agent;
    private ServiceHttpServer http;
    private JobRuntime runtime;
    private final List<KafkaProducer<?, ?>> producers = new ArrayList<>();

    private ExecutorApplication() {
    }

    /**
     * Starts everything.
     *
     * @param kubernetes makes the Kubernetes client when one is needed (the standard factory in production)
     */
    public static ExecutorApplication start(ExecutorConfig config, ExecutorConfig.Mode mode, SchemaRegistry registry,
                                            Supplier<KubernetesClient> kubernetes, Clock clock) {
        return start(config, mode, registry, kubernetes, clock, null);
    }

    /**
     * Starts everything on a runtime made by the caller instead of the one {@link ExecutorConfig#runtime()} names
     * (the simulated runtime of {@code stashflow bench fleet}). The application starts, uses and closes it like its
     * own. Without the mirror no Kubernetes client is made.
     *
     * @param runtime the runtime plans run on, not started yet; null for the configured one
     */
    public static ExecutorApplication start(ExecutorConfig config, ExecutorConfig.Mode mode, SchemaRegistry registry,
                                            Supplier<KubernetesClient> kubernetes, Clock clock, JobRuntime runtime) {
        ExecutorApplication app = new ExecutorApplication();
        try {
            app.startAll(config, mode, registry, kubernetes, clock, runtime);
            return app;
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
    }

    private void startAll(ExecutorConfig config, ExecutorConfig.Mode mode, SchemaRegistry registry,
                          Supplier<KubernetesClient> kubernetes, Clock clock, JobRuntime given) {
        String service = mode == ExecutorConfig.Mode.AGENT ? "agent" : "executor";
        String source = EventTypes.source(service, config.cluster());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
            List<TopicBootstrap.TopicSpec> specs = new ArrayList<>();
            for (String topic : List.of(config.topics().jobs(config.cluster()), config.topics().stepOutcomes(),
                    config.topics().rejected(), config.topics().sessions(), config.topics().definitions(),
                    config.topics().sessionStatus(), config.topics().repositoryStatus())) {
                specs.add(TopicBootstrap.TopicSpec.of(topic, config.partitions(), config.replicationFactor(),
                        config.topics().isCompacted(topic)));
            }
            TopicBootstrap.ensure(admin, specs, 30_000);
        }

        boolean kubernetesRuntime = given == null && config.runtime().equals(ExecutorConfig.KUBERNETES);
        KubernetesClient client = null;
        if (kubernetesRuntime || config.mirror()) {
            client = kubernetes.get();
            toClose.add(client);
        }
        if (given != null) {
            runtime = given;
        } else if (kubernetesRuntime) {
            runtime = new KubernetesJobRuntime(client, new KubernetesRuntimeSettings(config.cluster(),
                    config.namespace().orElse(null), config.thresholds(), config.checkInterval(),
                    Duration.ofSeconds(30), Duration.ofMinutes(10)), clock);
        } else {
            runtime = new LocalProcessRuntime(localSettings(config), clock);
        }

        ServiceMetrics metrics = new ServiceMetrics("stashflow_executor_");
        KafkaProducer<String, StepOutcome> outcomes = AgentKafkaClients.outcomeProducer(config.bootstrapServers(),
                registry, config.groupId(), Map.of());
        toClose.add(outcomes);
        producers.add(outcomes);
        KafkaProducer<String, Rejected> rejectedProducer = AgentKafkaClients.rejectedProducer(config.bootstrapServers(),
                registry, config.groupId(), Map.of());
        toClose.add(rejectedProducer);
        producers.add(rejectedProducer);
        KafkaRejectedSink rejected = new KafkaRejectedSink(rejectedProducer, config.topics().rejected(), source,
                Duration.ofSeconds(30));
        toClose.add(runtime);
        KafkaConsumer<byte[], byte[]> consumer = AgentKafkaClients.planConsumer(config.bootstrapServers(),
                config.groupId(), Map.of());
        agent = new JobAgent(new AgentSettings(config.cluster(), config.topics(), config.limits(),
                Duration.ofMillis(200), 10_000, Duration.ofSeconds(10), Duration.ofSeconds(30)),
                consumer, ConfluentAvroSerde.forValues(registry, JobPlanned.class), rejected, outcomes, runtime, clock,
                metrics, source);
        toClose.add(agent);
        // the runtime reports its last steps when it closes: the publisher closes after it, the producer after that
        toClose.add(toClose.indexOf(runtime), agent.publisher());
        agent.start();

        if (config.mirror()) {
            KafkaProducer<String, Definition> definitions = new KafkaProducer<>(AgentKafkaClients.producerProperties(
                    config.bootstrapServers(), config.groupId() + "-definitions", Map.of()), new StringSerializer(),
                    ConfluentAvroSerde.forValues(registry, Definition.class));
            toClose.add(definitions);
            KafkaProducer<String, SessionRequested> sessions = new KafkaProducer<>(AgentKafkaClients.producerProperties(
                    config.bootstrapServers(), config.groupId() + "-sessions", Map.of()), new StringSerializer(),
                    ConfluentAvroSerde.forValues(registry, SessionRequested.class));
            toClose.add(sessions);
            ClusterMirror mirror = new ClusterMirror(client, config.cluster(), config.topics(), definitions, sessions,
                    rejected, config.mirrorResync(), clock, source);
            toClose.add(mirror);
            mirror.start();

            // The agent is the only component with credentials for this cluster's API server, so it also writes the
            // reporter's status back onto the BackupSession/RestoreSession/Repository objects (status subresource,
            // Host Backup Succeeded/Failed events). Its own consumer group: status is applied per cluster.
            StatusWriteBackRunner writeBack = new StatusWriteBackRunner(
                    AgentKafkaClients.planConsumer(config.bootstrapServers(), config.groupId() + "-write-back", Map.of()),
                    ConfluentAvroSerde.forValues(registry, SessionStatus.class),
                    ConfluentAvroSerde.forValues(registry, RepositoryStatus.class), rejected,
                    config.topics().sessionStatus(), config.topics().repositoryStatus(),
                    new StatusWriteBack(client, config.cluster(), "stashflow-agent", clock), clock, Duration.ofSeconds(5));
            Thread writeBackThread = new Thread(writeBack, "status-write-back-" + config.cluster());
            writeBackThread.setDaemon(true);
            writeBackThread.start();
            toClose.add(writeBack);
        }

        http = new ServiceHttpServer(new InetSocketAddress(config.httpHost(), config.httpPort()), metrics)
                .liveness("agent", agent::livenessProblem)
                .readiness("agent", agent::readinessProblem)
                .route("/queue", this::queue);
        toClose.add(http);
        http.start();
        LOG.info("{} for cluster {} started: runtime {}, limits {}, http {}:{}", service, config.cluster(),
                runtime.kind(), config.limits(), config.httpHost(), http.port());
    }

    private static LocalRuntimeSettings localSettings(ExecutorConfig config) {
        Path jar = config.stashflowJar().orElseGet(ExecutorApplication::ownJar);
        String java = ProcessHandle.current().info().command().orElse("java");
        return new LocalRuntimeSettings(config.workDir(),
                EntrypointMap.withStashflowJar(java, jar.toString(), config.entrypoints()),
                new DirectorySecretSource(config.secretsDir()), config.killGrace(), LocalStepPreparer.Tools.detect());
    }

    /** The jar this code runs from (stashflow.jar when launched by ./stashflow), else the build's location. */
    static Path ownJar() {
        try {
            Path location = Path.of(ExecutorApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(location) && location.toString().endsWith(".jar")) {
                return location;
            }
        } catch (Exception e) {
            // fall through to the default
        }
        return Path.of("deploy", "target", "stashflow.jar").toAbsolutePath();
    }

    /** {@code GET /queue}: waiting plans with their queue position, as JSON lines. */
    private void queue(HttpExchange exchange) throws IOException {
        if (!ServiceHttpServer.allowGet(exchange)) {
            return;
        }
        StringBuilder out = new StringBuilder("[");
        List<JobScheduler.Waiting> waiting = agent.waiting();
        for (int i = 0; i < waiting.size(); i++) {
            JobScheduler.Waiting w = waiting.get(i);
            out.append(i == 0 ? "\n" : ",\n").append("{\"planId\":").append(quote(w.job().planId()))
                    .append(",\"phase\":\"Pending\",\"position\":").append(w.position())
                    .append(",\"reason\":").append(quote(w.reason())).append('}');
        }
        out.append("\n]\n");
        ServiceHttpServer.respond(exchange, 200, "application/json", out.toString());
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    public JobAgent agent() {
        return agent;
    }

    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /**
     * Stops the way a killed process stops, for crash drills: the agent commits no further offset, a local runtime
     * leaves its step processes running and its run records as they are ({@link LocalProcessRuntime#abandon()}), and
     * outcomes the broker has not acknowledged yet are dropped. What a restarted executor then finds is what it would
     * find after {@code kill -9}. A real shutdown uses {@link #close()}.
     */
    public void abandon() {
        if (http != null) {
            http.close();
        }
        if (agent != null) {
            agent.abandon();
        }
        if (runtime instanceof LocalProcessRuntime local) {
            local.abandon();
        } else if (runtime != null) {
            runtime.close(); // pods live on in the cluster; only the observation stops
        }
        for (KafkaProducer<?, ?> producer : producers) {
            producer.close(Duration.ZERO); // unsent records fail instead of being flushed
        }
        List<AutoCloseable> handled = new ArrayList<>(producers);
        handled.add(http);
        handled.add(agent);
        handled.add(runtime);
        if (agent != null) {
            agent.publisher().close(Duration.ZERO); // outcomes waiting for a retry go with the process
            handled.add(agent.publisher());
        }
        toClose.removeIf(c -> handled.stream().anyMatch(h -> h == c));
        producers.clear();
        close();
    }

    @Override
    public void close() {
        // http, mirror, agent, runtime, producers, client: the reverse of the start order
        for (int i = toClose.size() - 1; i >= 0; i--) {
            AutoCloseable c = toClose.get(i);
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", c.getClass().getSimpleName(), e.getMessage());
            }
        }
        toClose.clear();
    }
}
