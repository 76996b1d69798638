package io.stashflow.planner.topology;

import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.PlanRejected;
import io.stashflow.events.SessionRequested;
import io.stashflow.planner.definitions.DefinitionsStoreProcessor;
import io.stashflow.planner.definitions.DefinitionsView;
import io.stashflow.planner.resolver.ResolverSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planner's Kafka Streams topology (run with {@code exactly_once_v2}):
 *
 * <pre>
 *   stash.definitions    ──► global store + {@link DefinitionsView} (every definition of every cluster)
 *   stash.session-status ──► global store + {@link StatusView}      (the statuses the rules act on)
 *   stash.planner-facts  ──► global store + {@link FactsView}       (sessions of shared targets other tasks hold)
 *
 *   stash.sessions ──► served cluster? valid? ──► session planner (store planner-sessions: one TrackedSession
 *                                                  per session this task owns)
 *                                                    ├─► JobPlanned        ──► stash.jobs.&lt;cluster&gt;
 *                                                    ├─► PlanRejected      ──► stash.plan-rejected (also skipped)
 *                                                    ├─► SessionRequested  ──► stash.sessions      (retries)
 *                                                    └─► TrackedSession    ──► stash.planner-facts
 * </pre>
 *
 * <p>One hop: a request is planned by the task of the partition it arrives in, which owns its session key (every
 * request of a session lands there). Stash's concurrency rules compare a session with the other sessions of its
 * namespace, which other tasks may own: those come from the global views, which Kafka Streams fills from their
 * topics before any task processes a record (a restarted planner knows every status written while it was down), and
 * keeps filling as the topics grow. A task publishes a fact only for sessions of targets that several invokers back
 * up, the only sessions another task's rules look at besides what status-reporter writes. Statuses of its own
 * sessions reach a task through the status view too ({@link StatusView.Subscription}).
 *
 * <p>Requests for clusters this planner does not serve are counted and left alone (another planner may serve them);
 * requests that cannot even be keyed (empty cluster, namespace or name) go to {@code stash.rejected}.
 */
public final class PlannerTopology {

    private static final Logger LOG = LoggerFactory.getLogger(PlannerTopology.class);

    public static final String SESSIONS_STORE = "planner-sessions";
    public static final String DEFINITIONS_STORE = "planner-definitions";
    public static final String STATUSES_STORE = "planner-statuses";
    /** Records a stream thread polls at once, and buffers per partition. */
    static final int RECORDS_PER_POLL = 5000;
    /** Session records handed to RocksDB at once (and at every commit). */
    static final int SESSION_WRITE_BATCH = 1000;
    public static final String FACTS_STORE = "planner-facts";

    /**
     * @param topics            topic names (prefix)
     * @param clusters          the clusters whose sessions this planner plans
     * @param resolverSettings  image, Pushgateway URL and license values for the resolver
     * @param recheckInterval   how often waiting sessions and due retries are looked at
     * @param definitionsGrace  how long a session waits for a definition it needs to be published before it is
     *                          rejected (definitions and requests travel on different topics)
     * @param retention         how long a session is remembered after its last change (duplicate detection)
     * @param purgeInterval     how often sessions past the retention are forgotten
     * @param eventSource       CloudEvents source of the events produced
     * @param planCacheSize     plan cache entries (invoker and retryLeft) per stream thread; 0 turns the cache off
     */
    public record Settings(Topics topics, Set<String> clusters, ResolverSettings resolverSettings,
                           Duration recheckInterval, Duration definitionsGrace, Duration retention,
                           Duration purgeInterval, String eventSource, int planCacheSize) {

        /** Plan cache entries per task unless configured. */
        public static final int DEFAULT_PLAN_CACHE_SIZE = 1000;

        public Settings {
            Objects.requireNonNull(topics, "topics");
            clusters = Set.copyOf(clusters);
            if (clusters.isEmpty()) {
                throw new IllegalArgumentException("the planner needs at least one cluster id to serve");
            }
            Objects.requireNonNull(resolverSettings, "resolverSettings");
            Objects.requireNonNull(eventSource, "eventSource");
            if (planCacheSize < 0) {
                throw new IllegalArgumentException("planCacheSize must not be negative");
            }
        }

        /** Defaults for everything but the topics and clusters: 1 s re-check, 10 s grace, 7 days retention. */
        public static Settings defaults(Topics topics, Set<String> clusters) {
            return new Settings(topics, clusters, ResolverSettings.defaults(), Duration.ofSeconds(1),
                    Duration.ofSeconds(10), Duration.ofDays(7), Duration.ofMinutes(10),
                    EventTypes.source("planner", String.join(",", new java.util.TreeSet<>(clusters))),
                    DEFAULT_PLAN_CACHE_SIZE);
        }

        public Settings withResolverSettings(ResolverSettings value) {
            return new Settings(topics, clusters, value, recheckInterval, definitionsGrace, retention,
                    purgeInterval, eventSource, planCacheSize);
        }

        public Settings withRecheckInterval(Duration value) {
            return new Settings(topics, clusters, resolverSettings, value, definitionsGrace, retention,
                    purgeInterval, eventSource, planCacheSize);
        }

        public Settings withDefinitionsGrace(Duration value) {
            return new Settings(topics, clusters, resolverSettings, recheckInterval, value, retention,
                    purgeInterval, eventSource, planCacheSize);
        }

        public Settings withPlanCacheSize(int value) {
            return new Settings(topics, clusters, resolverSettings, recheckInterval, definitionsGrace,
                    retention, purgeInterval, eventSource, value);
        }

        public Settings withRetention(Duration value, Duration purgeEvery) {
            return new Settings(topics, clusters, resolverSettings, recheckInterval, definitionsGrace,
                    value, purgeEvery, eventSource, planCacheSize);
        }
    }

    private PlannerTopology() {
    }

    /**
     * Kafka Streams settings of the planner's applications (the service's and the benchmark's).
     *
     * <ul>
     *   <li>Producers: each plan is a {@code JobPlanned} of 2-3 KB that is mostly the same text from one session of
     *       an invoker to the next. Kafka's default 16 KiB batch holds six of them, so the planner sends batches of up
     *       to 256 KiB, compressed with lz4 (the brokers store and serve a fraction of the bytes; consumers
     *       decompress transparently).</li>
     *   <li>Consumers: up to {@value #RECORDS_PER_POLL} records a poll and as many buffered per partition (Kafka
     *       Streams takes 1,000). A request is a few hundred bytes, so a fetch brings several thousand; each trip
     *       through the stream thread's loop polls, looks at every task (also those with nothing to do) and checks
     *       for a commit, and bigger polls make fewer trips per record.</li>
     * </ul>
     */
    public static Map<String, Object> streamsSettings() {
        return Map.of(
                StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024,
                StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4",
                StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), RECORDS_PER_POLL,
                StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, RECORDS_PER_POLL);
    }

    /** The planner's outputs are written, never read back through this serde. */
    private static final Deserializer<PlannerOutput> WRITE_ONLY = (topic, bytes) -> {
        throw new UnsupportedOperationException("the planner's outputs are written, not read");
    };

    public static Topology build(Settings settings, PlannerSerdes serdes, DefinitionsView view,
                                 PlannerListener listener) {
        Topics topics = settings.topics();
        StreamsBuilder builder = new StreamsBuilder();

        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(DEFINITIONS_STORE), Serdes.String(),
                        serdes.definition).withLoggingDisabled(),
                topics.definitions(),
                Consumed.with(Serdes.String(), serdes.definition).withName("definitions"),
                () -> new DefinitionsStoreProcessor(DEFINITIONS_STORE, view));

        // the views live as long as the topology: every task of this instance reads them
        StatusView statuses = new StatusView(settings.clusters());
        FactsView facts = new FactsView(settings.clusters(), statuses);
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STATUSES_STORE), Serdes.String(),
                        serdes.sessionStatus).withLoggingDisabled(),
                topics.sessionStatus(),
                Consumed.with(Serdes.String(), serdes.sessionStatus).withName("session-statuses"),
                () -> ViewLoader.statuses(statuses));
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(FACTS_STORE), Serdes.String(),
                        serdes.trackedSession).withLoggingDisabled(),
                topics.plannerFacts(),
                Consumed.with(Serdes.String(), serdes.trackedSession).withName("session-facts"),
                () -> ViewLoader.facts(facts));
        // one plan cache per stream thread, shared by its tasks: the sessions of an invoker are spread over all the
        // partitions of stash.sessions, so a cache per task would resolve every invoker once per task
        ThreadLocal<PlanCache> planCaches = ThreadLocal.withInitial(() -> new PlanCache(view,
                settings.resolverSettings(), settings.planCacheSize()));

        builder.addStateStore(Stores.keyValueStoreBuilder(
                WriteBatchingStore.persistent(SESSIONS_STORE, SESSION_WRITE_BATCH), Serdes.String(),
                serdes.trackedSession));

        Set<String> warnedClusters = ConcurrentHashMap.newKeySet();
        KStream<String, SessionRequested> requested = builder.stream(topics.sessions(),
                        Consumed.with(Serdes.String(), serdes.sessionRequested).withName("session-requests"))
                .filter((key, value) -> value != null, Named.as("requests-not-null"))
                .filter((key, value) -> {
                    if (settings.clusters().contains(value.getCluster())) {
                        return true;
                    }
                    listener.ignored(value.getCluster(), "cluster-not-served");
                    if (warnedClusters.add(value.getCluster())) {
                        LOG.warn("ignoring sessions of cluster '{}': this planner serves {} (first: {}/{})",
                                value.getCluster(), settings.clusters(), value.getNamespace(), value.getSessionName());
                    }
                    return false;
                }, Named.as("requests-of-served-clusters"));

        requested.split(Named.as("request-"))
                .branch((key, value) -> RequestValidation.problem(value).isPresent(), Branched.withConsumer(invalid ->
                        invalid.process(() -> new InvalidRequestProcessor(topics.sessions(), serdes.sessionRequested,
                                        settings.eventSource()), Named.as("reject-invalid-requests"))
                                .to(topics.rejected(), Produced.with(Serdes.String(), serdes.rejected)
                                        .withName("rejected-requests")), "invalid"))
                .defaultBranch(Branched.withConsumer(valid -> valid
                        .process(() -> new SessionPlannerProcessor(settings, view, statuses, facts, planCaches::get,
                                        listener, new PlanEncoder(serdes.jobPlanned, topics)),
                                Named.as("session-planner"), SESSIONS_STORE)
                        // one sink: each output names its topic, and the serializer writes each kind as its topic
                        // carries it (a branch per kind would cost every record the predicates of the branches)
                        .to((key, out, context) -> out.topic(), Produced.with(Serdes.String(),
                                Serdes.serdeFrom(PlannerOutput.serializer(serdes), WRITE_ONLY)).withName("outputs")),
                        "valid"));

        return builder.build();
    }
}
