package io.stashflow.planner.service;

import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.api.registry.SchemaRegistry;
import io.stashflow.api.registry.http.ConfluentRestSchemaRegistry;
import io.stashflow.api.rejected.KafkaRejectedSink;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.Definition;
import io.stashflow.events.Rejected;
import io.stashflow.planner.definitions.DefinitionSync;
import io.stashflow.planner.definitions.DefinitionsView;
import io.stashflow.planner.definitions.DirectoryDefinitionSource;
import io.stashflow.planner.schedule.ScheduleJitter;
import io.stashflow.planner.topology.PlannerSerdes;
import io.stashflow.planner.topology.PlannerTopology;
import io.stashflow.planner.topology.SchedulerTopology;
import io.stashflow.service.http.ServiceHttpServer;
import io.stashflow.service.kafka.StorePartitions;
import io.stashflow.service.kafka.TopicBootstrap;
import io.stashflow.service.metrics.ServiceMetrics;
import io.stashflow.service.streams.StreamsRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planner service: the planner and scheduler Streams applications, the definitions directory source (when
 * configured), topic bootstrap, and the HTTP endpoint with {@code /healthz}, {@code /readyz} and {@code /metrics}.
 *
 * <p>Start order: topics, HTTP (so probes answer while Streams restores), definitions source (so a fresh
 * installation's first sessions find their definitions), then both Streams applications. {@link #close()} stops in
 * reverse order; Streams commits its open transaction before it returns.
 */
public final class PlannerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlannerService.class);

    private final PlannerConfig config;
    private final PlannerMetrics metrics;
    private final DefinitionsView view = new DefinitionsView();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private StreamsRunner planner;
    private StreamsRunner scheduler;
    private ServiceHttpServer http;
    private DirectoryDefinitionSource definitionsSource;

    private PlannerService(PlannerConfig config) {
        this.config = config;
        this.metrics = new PlannerMetrics(new ServiceMetrics(PlannerMetrics.PREFIX));
    }

    /**
     * Starts everything.
     *
     * @param registry the schema registry to use; null to use {@link PlannerConfig#schemaRegistryUrl()}
     * @param extraStreamsProperties added to both Streams applications' settings (tests, benchmarks)
     */
    public static PlannerService start(PlannerConfig config, SchemaRegistry registry,
                                       Map<String, ?> extraStreamsProperties) {
        PlannerService service = new PlannerService(config);
        try {
            service.startAll(registry, extraStreamsProperties);
            return service;
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
    }

    private void startAll(SchemaRegistry suppliedRegistry, Map<String, ?> extra) {
        config.describe().forEach(line -> LOG.info("planner setting {}", line));
        SchemaRegistry registry = suppliedRegistry != null ? suppliedRegistry
                : ConfluentRestSchemaRegistry.builder(config.schemaRegistryUrl().orElseThrow(() ->
                        new IllegalStateException("no schema registry: give --schema-registry-url")).toString()).build();
        PlannerSerdes serdes = new PlannerSerdes(registry);
        Topics topics = config.topics();
        String source = EventTypes.source("planner", String.join(",", new java.util.TreeSet<>(config.clusters())));

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.bootstrapServers()))) {
            if (config.createTopics()) {
                TopicBootstrap.ensure(admin, topicSpecs(), 30_000);
            }
            StorePartitions.require(admin, stores(), 30_000);
        }

        http = new ServiceHttpServer(new InetSocketAddress(config.httpHost(), config.httpPort()), metrics.registry());
        resources.add(http);
        metrics.registry().gauge("definitions", "Definitions held (all clusters)", () -> (double) view.size());
        metrics.registry().gauge("definitions_unreadable", "Definitions that cannot be parsed",
                () -> (double) view.unreadable());
        http.start();

        if (config.definitionsDir().isPresent()) {
            startDefinitionsSource(serdes, source);
        }

        PlannerTopology.Settings plannerSettings = new PlannerTopology.Settings(topics, config.clusters(),
                config.resolverSettings(), config.recheckInterval(), config.definitionsGrace(),
                config.retention(), Duration.ofMinutes(10), source, config.planCacheSize());
        Properties plannerProperties = streamsProperties(config.applicationId(), extra);
        StreamsRunner.rejectingHandler(plannerProperties, topics.rejected(), "planner.decode", source,
                serdes.rejected(), () -> metrics.ignored("", "undecodable"));
        planner = new StreamsRunner("planner", PlannerTopology.build(plannerSettings, serdes, view, metrics),
                plannerProperties, metrics.registry(), 3, Duration.ofMinutes(10), config.closeTimeout());
        resources.add(planner);

        SchedulerTopology.Settings schedulerSettings = new SchedulerTopology.Settings(topics, config.clusters(),
                config.scheduleTimeZone(), new ScheduleJitter(config.scheduleJitter()),
                config.scheduleCheckInterval(), source);
        Properties schedulerProperties = streamsProperties(config.schedulerApplicationId(), extra);
        StreamsRunner.rejectingHandler(schedulerProperties, topics.rejected(), "scheduler.decode", source,
                serdes.rejected(), () -> metrics.ignored("", "undecodable"));
        scheduler = new StreamsRunner("scheduler", SchedulerTopology.build(schedulerSettings, serdes, metrics),
                schedulerProperties, metrics.registry(), 3, Duration.ofMinutes(10), config.closeTimeout());
        resources.add(scheduler);

        http.readiness("planner", planner::readinessProblem)
                .readiness("scheduler", scheduler::readinessProblem)
                .liveness("planner", planner::livenessProblem)
                .liveness("scheduler", scheduler::livenessProblem);
        planner.start();
        scheduler.start();
        LOG.info("planner started for clusters {} (HTTP on port {})", config.clusters(), http.port());
    }

    /** The stores whose keys belong to a partition of the topic they are read from. */
    private List<StorePartitions.Store> stores() {
        Topics topics = config.topics();
        return List.of(
                new StorePartitions.Store("the planner's sessions", topics.sessions(),
                        StorePartitions.Store.changelog(config.applicationId(), PlannerTopology.SESSIONS_STORE),
                        "Give the topic its former partition count back, or start afresh with a new --topic-prefix"
                                + " (to grow) or a new --application-id and --state-dir (the planner then forgets"
                                + " the sessions it planned: a request delivered again would be planned again)."),
                new StorePartitions.Store("the scheduler's ticks", topics.definitions(),
                        StorePartitions.Store.changelog(config.schedulerApplicationId(),
                                SchedulerTopology.SCHEDULES_STORE),
                        "Give the topic its former partition count back, or start afresh with a new"
                                + " --application-id and --state-dir: the scheduler then counts every schedule from"
                                + " its start (a tick missed meanwhile is not fired), and the planner forgets its"
                                + " sessions."));
    }

    private List<TopicBootstrap.TopicSpec> topicSpecs() {
        Topics topics = config.topics();
        List<TopicBootstrap.TopicSpec> specs = new ArrayList<>();
        for (String topic : List.of(topics.sessions(), topics.definitions(), topics.planRejections(),
                topics.sessionStatus(), topics.rejected(), topics.plannerFacts())) {
            specs.add(TopicBootstrap.TopicSpec.of(topic, config.partitions(), config.replicationFactor(),
                    topics.isCompacted(topic)));
        }
        for (String cluster : config.clusters()) {
            specs.add(TopicBootstrap.TopicSpec.of(topics.jobs(cluster), config.partitions(),
                    config.replicationFactor(), false));
        }
        return specs;
    }

    private Properties streamsProperties(String applicationId, Map<String, ?> extra) {
        Map<String, Object> settings = new java.util.HashMap<>();
        settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) config.commitInterval().toMillis());
        settings.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        settings.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.replicationFactor());
        settings.putAll(PlannerTopology.streamsSettings());
        settings.putAll(extra);
        return StreamsRunner.properties(applicationId, config.bootstrapServers(), config.stateDir(), settings);
    }

    private void startDefinitionsSource(PlannerSerdes serdes, String source) {
        Topics topics = config.topics();
        Map<String, Object> producerSettings = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        KafkaProducer<String, Definition> definitionProducer = new KafkaProducer<>(producerSettings,
                new StringSerializer(), serdes.definition().serializer());
        resources.add(definitionProducer);
        KafkaProducer<String, Rejected> rejectedProducer = new KafkaProducer<>(producerSettings,
                new StringSerializer(), serdes.rejected().serializer());
        resources.add(rejectedProducer);
        Map<String, Definition> existing;
        try (KafkaConsumer<String, Definition> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, config.applicationId() + "-definitions-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), serdes.definition().deserializer())) {
            existing = DirectoryDefinitionSource.readTopic(consumer, topics.definitions(), Duration.ofSeconds(60));
        }
        var directory = config.definitionsDir().orElseThrow();
        Map<String, DefinitionSync.Published> owned = DirectoryDefinitionSource.publishedUnder(directory,
                config.definitionsCluster(), existing);
        definitionsSource = new DirectoryDefinitionSource(directory, config.definitionsCluster(),
                DirectoryDefinitionSource.kafkaSink(definitionProducer, topics.definitions(),
                        new KafkaRejectedSink(rejectedProducer, topics.rejected(), source, Duration.ofSeconds(30)),
                        source, Duration.ofSeconds(30)),
                owned, Clock.systemUTC()).onSync(metrics::definitionsSynced);
        resources.add(definitionsSource);
        try {
            definitionsSource.start(config.definitionsPollInterval());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the definitions directory " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    public PlannerMetrics metrics() {
        return metrics;
    }

    public DefinitionsView definitions() {
        return view;
    }

    /** The HTTP port (useful with port 0). */
    public int httpPort() {
        return http.port();
    }

    /** Empty when both Streams applications are RUNNING. */
    public Optional<String> readinessProblem() {
        Optional<String> problem = planner == null ? Optional.of("not started") : planner.readinessProblem();
        return problem.isPresent() ? problem : scheduler.readinessProblem();
    }

    /** Empty while both Streams applications can make progress. */
    public Optional<String> livenessProblem() {
        Optional<String> problem = planner == null ? Optional.of("not started") : planner.livenessProblem();
        return problem.isPresent() ? problem : scheduler.livenessProblem();
    }

    /** Stops everything, in reverse start order; safe to call more than once. */
    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", resources.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        resources.clear();
        LOG.info("planner stopped");
    }
}
