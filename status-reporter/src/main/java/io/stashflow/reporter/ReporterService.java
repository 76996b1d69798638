package io.stashflow.reporter;

import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.api.registry.SchemaRegistry;
import io.stashflow.api.rejected.KafkaRejectedSink;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.Rejected;
import io.stashflow.events.RepositoryStatus;
import io.stashflow.reporter.api.StatusApi;
import io.stashflow.reporter.core.SessionFacts;
import io.stashflow.reporter.events.ReporterSignal;
import io.stashflow.reporter.metrics.MetricsPusher;
import io.stashflow.reporter.metrics.PushRetryPolicy;
import io.stashflow.reporter.metrics.PushgatewayClient;
import io.stashflow.reporter.metrics.ScrapeView;
import io.stashflow.reporter.metrics.ScrapeViewLoader;
import io.stashflow.reporter.streams.ReporterSerdes;
import io.stashflow.reporter.streams.ReporterTopics;
import io.stashflow.reporter.streams.ReporterTopology;
import io.stashflow.service.http.ServiceHttpServer;
import io.stashflow.service.kafka.StorePartitions;
import io.stashflow.service.kafka.TopicBootstrap;
import io.stashflow.service.logging.LogContext;
import io.stashflow.service.metrics.ServiceMetrics;
import io.stashflow.service.streams.StreamsRunner;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status-reporter service: topic bootstrap, the aggregation topology, the metrics pusher, the scrape view and the
 * HTTP endpoint ({@code /healthz}, {@code /readyz}, {@code /metrics}, {@code /sessions}, {@code /repositories}).
 * {@link #start()} brings them up in that order, {@link #close()} stops them in reverse, letting Streams commit.
 */
public final class ReporterService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReporterService.class);
    public static final String SERVICE = "reporter";

    private final ReporterConfig config;
    private final SchemaRegistry registry;
    private final Clock clock;
    private final Map<String, Object> streamsOverrides;
    private final ServiceMetrics metrics = new ServiceMetrics("stashflow_reporter_");
    private final ScrapeView scrapeView = new ScrapeView();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private StreamsRunner streams;
    private ScrapeViewLoader loader;
    private ServiceHttpServer http;
    private KafkaProducer<String, ReporterSignal> signalProducer;

    /**
     * @param streamsOverrides extra Kafka Streams settings (tests lower {@code commit.interval.ms})
     */
    public ReporterService(ReporterConfig config, SchemaRegistry registry, Clock clock, Map<String, Object> streamsOverrides) {
        this.config = config;
        this.registry = registry;
        this.clock = clock;
        this.streamsOverrides = Map.copyOf(streamsOverrides);
    }

    private String source() {
        return EventTypes.source(SERVICE, config.clusterId().orElse("all"));
    }

    /** The stores whose keys belong to a partition of the topic they are read from. */
    private List<StorePartitions.Store> stores(ReporterTopics names) {
        String fix = "Give the topic its former partition count back, or start afresh with a new --application-id"
                + " and --state-dir (the reporter then processes again what its input topics still hold).";
        String appId = config.applicationId();
        return List.of(
                new StorePartitions.Store("the reporter's session facts", names.topics().sessions(),
                        StorePartitions.Store.changelog(appId, ReporterTopology.FACTS_STORE), fix),
                new StorePartitions.Store("the reporter's history index", names.history(),
                        StorePartitions.Store.changelog(appId, ReporterTopology.HISTORY_STORE), fix),
                new StorePartitions.Store("the reporter's repositories", names.repositoryUpdates(),
                        StorePartitions.Store.changelog(appId, ReporterTopology.REPOSITORY_STORE), fix));
    }

    public synchronized void start() {
        try (LogContext ignored = LogContext.cluster(config.clusterId().orElse("all"))) {
            Topics topics = new Topics(config.topicPrefix());
            ReporterTopics names = new ReporterTopics(topics);
            ReporterSerdes serdes = new ReporterSerdes(registry);

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
                TopicBootstrap.ensure(admin, names.all(config.partitions(), config.replicationFactor()), 30_000);
                StorePartitions.require(admin, stores(names), 30_000);
            }

            ServiceMetrics.CounterFamily rejectedCounter = metrics.counter("rejected_records_total",
                    "Input records that could not be decoded and went to the rejected topic");
            Properties props = StreamsRunner.properties(config.applicationId(), config.bootstrapServers(),
                    config.stateDir(), streamsOverrides);
            StreamsRunner.rejectingHandler(props, topics.rejected(), "reporter.decode", source(),
                    serdes.rejected.serializer(), rejectedCounter::inc);
            var settings = new ReporterTopology.Settings(config.pushgatewayUrl().isPresent(), config.clusterId(),
                    config.metricsLabels(), config.sweepInterval(), config.agentSilence(), Duration.ofHours(24), source());
            streams = new StreamsRunner(SERVICE, ReporterTopology.build(names, serdes, settings), props, metrics, 5,
                    Duration.ofMinutes(10), Duration.ofSeconds(30));
            streams.start();

            KafkaProducer<String, Rejected> rejectedProducer = new KafkaProducer<>(producerProps("rejected"),
                    new StringSerializer(), serdes.rejected.serializer());
            resources.add(rejectedProducer);
            KafkaRejectedSink rejectedSink = new KafkaRejectedSink(rejectedProducer, topics.rejected(), source(),
                    Duration.ofSeconds(30));

            if (config.pushgatewayUrl().isPresent()) {
                signalProducer = new KafkaProducer<>(producerProps("signals"), new StringSerializer(),
                        serdes.signal.serializer());
                resources.add(signalProducer);
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(config.applicationId()
                        + "-metrics-pusher"));
                MetricsPusher pusher = new MetricsPusher(consumer, serdes.pushRequest.deserializer(), rejectedSink,
                        signalProducer, new PushgatewayClient(config.pushgatewayUrl().get(), Duration.ofSeconds(10)),
                        new PushRetryPolicy(config.pushAttempts(), config.pushBackoff(), config.pushBackoff().multipliedBy(16)),
                        names.metricsPushes(), names.signals(), source(), metrics, clock, d -> Thread.sleep(d.toMillis()));
                startThread("metrics-pusher", pusher);
                resources.add(0, pusher);
            }

            loader = new ScrapeViewLoader(new KafkaConsumer<>(consumerProps(null)), serdes.familyState.deserializer(),
                    rejectedSink, scrapeView, names.metricFamilies(), clock);
            startThread("scrape-view", loader);
            resources.add(0, loader);
            metrics.collector(scrapeView::families);

            http = new ServiceHttpServer(new InetSocketAddress(config.httpHost(), config.httpPort()), metrics);
            http.liveness("streams", streams::livenessProblem);
            http.readiness("streams", streams::readinessProblem);
            http.readiness("metrics", () -> loader.caughtUp() ? Optional.empty()
                    : Optional.of("still rebuilding the Stash metric series from " + names.metricFamilies()));
            new StatusApi(new StoreSource()).register(http);
            http.start();
            LOG.info("status-reporter started: topics {}.*, pushgateway {}, http {}:{}", config.topicPrefix(),
                    config.pushgatewayUrl().map(Object::toString).orElse("none (metrics only served on /metrics)"),
                    config.httpHost(), http.port());
        }
    }

    private void startThread(String name, Runnable runnable) {
        Thread thread = new Thread(() -> {
            try (LogContext ignored = LogContext.cluster(config.clusterId().orElse("all"))) {
                runnable.run();
            } catch (RuntimeException e) {
                LOG.error("{} stopped", name, e);
            }
        }, "reporter-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private Properties producerProps(String purpose) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-" + purpose);
        return p;
    }

    private Properties consumerProps(String groupId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        }
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    public int httpPort() {
        return http.port();
    }

    public ServiceMetrics metrics() {
        return metrics;
    }

    public boolean ready() {
        return streams != null && streams.readinessProblem().isEmpty() && loader != null && loader.caughtUp();
    }

    /** Reads the Streams stores through interactive queries. */
    private final class StoreSource implements StatusApi.StatusSource {
        @Override
        public Optional<List<SessionFacts>> sessions() {
            return read(ReporterTopology.FACTS_STORE);
        }

        @Override
        public Optional<List<RepositoryStatus>> repositories() {
            return read(ReporterTopology.REPOSITORY_STORE);
        }

        private <V> Optional<List<V>> read(String store) {
            if (streams.state() != KafkaStreams.State.RUNNING) {
                return Optional.empty();
            }
            try {
                ReadOnlyKeyValueStore<String, V> kv = streams.streams().store(
                        StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<String, V>keyValueStore()));
                List<V> out = new ArrayList<>();
                try (KeyValueIterator<String, V> all = kv.all()) {
                    while (all.hasNext()) {
                        KeyValue<String, V> next = all.next();
                        out.add(next.value);
                    }
                }
                return Optional.of(out);
            } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
                return Optional.empty();
            }
        }
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.close();
        }
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
        if (streams != null) {
            streams.close();
        }
        LOG.info("status-reporter stopped");
    }
}
