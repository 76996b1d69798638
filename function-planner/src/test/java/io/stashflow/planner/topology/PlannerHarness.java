package io.stashflow.planner.topology;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.Definition;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.PlanRejected;
import io.stashflow.events.Rejected;
import io.stashflow.events.SessionRequested;
import io.stashflow.events.SessionStatus;
import io.stashflow.planner.definitions.DefinitionsView;
import io.stashflow.planner.resolver.ResolverSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The planner topology in a {@link TopologyTestDriver}, with typed topics and a counting listener. */
final class PlannerHarness implements AutoCloseable {

    static final String CLUSTER = "c1";
    /** The planner's default re-check interval. */
    static final Duration RECHECK = Duration.ofSeconds(1);
    static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    static final ResolverSettings RESOLVER = new ResolverSettings("ghcr.io/stashflow/stashflow:test",
            "http://pushgateway.test:9091", "");

    final Topics topics = Topics.withDefaultPrefix();
    final PlannerSerdes serdes = new PlannerSerdes(EmbeddedSchemaRegistry.inMemory());
    final DefinitionsView view = new DefinitionsView();
    final CountingListener listener = new CountingListener();
    final TopologyTestDriver driver;
    final TestInputTopic<String, Definition> definitions;
    final TestInputTopic<String, SessionRequested> sessions;
    final TestInputTopic<String, SessionStatus> statuses;
    final TestOutputTopic<String, JobPlanned> jobs;
    final TestOutputTopic<String, PlanRejected> rejections;
    final TestOutputTopic<String, SessionRequested> requested;
    final TestOutputTopic<String, Rejected> rejected;

    PlannerHarness(Path stateDir) {
        this(stateDir, Duration.ofSeconds(10));
    }

    PlannerHarness(Path stateDir, Duration definitionsGrace) {
        this(stateDir, definitionsGrace, PlannerTopology.Settings.DEFAULT_PLAN_CACHE_SIZE);
    }

    PlannerHarness(Path stateDir, Duration definitionsGrace, int planCacheSize) {
        PlannerTopology.Settings settings = PlannerTopology.Settings.defaults(topics, Set.of(CLUSTER))
                .withResolverSettings(RESOLVER)
                .withDefinitionsGrace(definitionsGrace)
                .withPlanCacheSize(planCacheSize);
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "planner-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(PlannerTopology.build(settings, serdes, view, listener), properties, START);
        StringSerializer keys = new StringSerializer();
        StringDeserializer keyReader = new StringDeserializer();
        definitions = driver.createInputTopic(topics.definitions(), keys, serdes.definition.serializer());
        sessions = driver.createInputTopic(topics.sessions(), keys, serdes.sessionRequested.serializer());
        statuses = driver.createInputTopic(topics.sessionStatus(), keys, serdes.sessionStatus.serializer());
        jobs = driver.createOutputTopic(topics.jobs(CLUSTER), keyReader, serdes.jobPlanned.deserializer());
        rejections = driver.createOutputTopic(topics.planRejections(), keyReader, serdes.planRejected.deserializer());
        requested = driver.createOutputTopic(topics.sessions(), keyReader, serdes.sessionRequested.deserializer());
        rejected = driver.createOutputTopic(topics.rejected(), keyReader, serdes.rejected.deserializer());
    }

    void publish(Map<String, Definition> records) {
        records.forEach(definitions::pipeInput);
    }

    void delete(String key) {
        definitions.pipeInput(key, null);
    }

    void request(SessionRequested request) {
        sessions.pipeInput(RecordKeys.of(request.getCluster(), request.getNamespace(), request.getSessionName()),
                request);
    }

    /**
     * Publishes a status. The planner's tasks read statuses from a view the global thread feeds, and take those of
     * their own sessions at their next record or punctuation: the driver's wall clock moves on by the re-check
     * interval so that they do.
     */
    void status(SessionStatus status) {
        statuses.pipeInput(RecordKeys.of(status.getSessionKey()), status);
        advance(RECHECK);
    }

    /** Wall-clock time of the driver. */
    Instant now() {
        return START.plusMillis(elapsed.get());
    }

    private final AtomicLong elapsed = new AtomicLong();

    void advance(Duration duration) {
        elapsed.addAndGet(duration.toMillis());
        driver.advanceWallClockTime(duration);
    }

    List<JobPlanned> plans() {
        return jobs.readValuesToList();
    }

    List<TestRecord<String, JobPlanned>> planRecords() {
        return jobs.readRecordsToList();
    }

    /** The plans as written: the value bytes, not decoded (consumes them like {@link #planRecords}). */
    List<TestRecord<String, byte[]>> rawPlanRecords() {
        return driver.createOutputTopic(topics.jobs(CLUSTER), new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer()).readRecordsToList();
    }

    List<PlanRejected> rejections() {
        return rejections.readValuesToList();
    }

    /** Requests written by the planner itself (retries); the test's own requests are read too, so filter. */
    List<SessionRequested> plannerRequests() {
        return requested.readValuesToList().stream().filter(r -> !"test".equals(r.getRequestedBy())).toList();
    }

    @Override
    public void close() {
        driver.close();
    }

    /** Counts the listener's calls by name. */
    static final class CountingListener implements PlannerListener {
        final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

        long count(String what) {
            AtomicLong c = counts.get(what);
            return c == null ? 0 : c.get();
        }

        private void inc(String what) {
            counts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
        }

        @Override
        public void requested(String cluster) {
            inc("requested");
        }

        @Override
        public void duplicate(String cluster) {
            inc("duplicate");
        }

        @Override
        public void ignored(String cluster, String reason) {
            inc("ignored:" + reason);
        }

        @Override
        public void planned(String cluster, Duration sinceRequested) {
            inc("planned");
        }

        @Override
        public void rejected(String cluster, String reason) {
            inc("rejected:" + reason);
        }

        @Override
        public void skipped(String cluster) {
            inc("skipped");
        }

        @Override
        public void pending(String cluster) {
            inc("pending");
        }

        @Override
        public void retried(String cluster) {
            inc("retried");
        }

        @Override
        public void scheduled(String cluster, long dropped) {
            inc("scheduled");
            counts.computeIfAbsent("dropped", k -> new AtomicLong()).addAndGet(dropped);
        }

        @Override
        public void scheduleInvalid(String cluster) {
            inc("scheduleInvalid");
        }

        @Override
        public void planCache(String cluster, String outcome) {
            inc("planCache:" + outcome);
        }
    }
}
