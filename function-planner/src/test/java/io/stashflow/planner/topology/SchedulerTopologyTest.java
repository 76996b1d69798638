package io.stashflow.planner.topology;

import static io.stashflow.planner.topology.PlannerFixtures.appBinding;
import static io.stashflow.planner.topology.PlannerFixtures.backupBatch;
import static io.stashflow.planner.topology.PlannerFixtures.backupConfiguration;
import static io.stashflow.planner.topology.PlannerFixtures.definitions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.registry.RegisteredSchema;
import io.stashflow.api.registry.RegistryErrorCode;
import io.stashflow.api.registry.SchemaRegistry;
import io.stashflow.api.registry.SchemaRegistryException;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.Definition;
import io.stashflow.events.Rejected;
import io.stashflow.events.SessionRequested;
import io.stashflow.planner.schedule.ScheduleJitter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler topology in a TopologyTestDriver: ticks, pauses, missed ticks, bad schedules. */
class SchedulerTopologyTest {

    private static final String CLUSTER = "c1";
    /** A Sunday, 10:00 UTC. */
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path stateDir;

    private final Topics topics = Topics.withDefaultPrefix();
    private final PlannerSerdes serdes = new PlannerSerdes(EmbeddedSchemaRegistry.inMemory());
    private final PlannerHarness.CountingListener listener = new PlannerHarness.CountingListener();
    private TopologyTestDriver driver;
    private TestInputTopic<String, Definition> definitionsTopic;
    private TestOutputTopic<String, SessionRequested> sessions;
    private TestOutputTopic<String, Rejected> rejected;
    private Instant now = START;

    private void start(Duration jitter) {
        start(jitter, serdes);
    }

    private void start(Duration jitter, PlannerSerdes serdes) {
        SchedulerTopology.Settings settings = new SchedulerTopology.Settings(topics, Set.of(CLUSTER), ZoneOffset.UTC,
                new ScheduleJitter(jitter), Duration.ofSeconds(1), "/stashflow/planner/test");
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "scheduler-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(SchedulerTopology.build(settings, serdes, listener), properties, START);
        definitionsTopic = driver.createInputTopic(topics.definitions(), new StringSerializer(),
                serdes.definition.serializer());
        sessions = driver.createOutputTopic(topics.sessions(), new StringDeserializer(),
                serdes.sessionRequested.deserializer());
        rejected = driver.createOutputTopic(topics.rejected(), new StringDeserializer(),
                serdes.rejected.deserializer());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    private void publish(String cluster, String yaml) {
        definitions(cluster, yaml).forEach(definitionsTopic::pipeInput);
    }

    private void advanceTo(Instant instant) {
        Duration step = Duration.between(now, instant);
        now = instant;
        driver.advanceWallClockTime(step);
    }

    private List<SessionRequested> fired() {
        return sessions.readValuesToList();
    }

    @Test
    void aCronScheduleFiresEachTickExactlyOnceWithStashNamesAndLabels() {
        start(Duration.ZERO);
        publish(CLUSTER, appBinding("pg") + "---\n" + backupConfiguration("pg-backup", "pg", """
                schedule: "*/5 * * * *"
                retryConfig:
                  maxRetry: 2
                  delay: 1m""").replace("namespace: demo\nspec:", "namespace: demo\n  labels:\n    app: pg\nspec:"));

        advanceTo(Instant.parse("2026-03-01T10:04:59Z"));
        assertTrue(fired().isEmpty());

        advanceTo(Instant.parse("2026-03-01T10:05:00Z"));
        List<TestRecord<String, SessionRequested>> records = sessions.readRecordsToList();
        assertEquals(1, records.size());
        SessionRequested request = records.get(0).value();
        long tick = Instant.parse("2026-03-01T10:05:00Z").getEpochSecond();
        assertEquals("pg-backup-" + tick, request.getSessionName());
        assertEquals("c1/demo/pg-backup-" + tick, records.get(0).key());
        assertEquals("BackupConfiguration", request.getInvoker().getKind());
        assertEquals("pg-backup", request.getInvoker().getName());
        assertEquals(2, request.getRetryLeft());
        assertEquals("scheduler", request.getRequestedBy());
        assertNull(request.getRetryOf());
        assertEquals(Instant.parse("2026-03-01T10:05:00Z"), request.getRequestedAt());
        Map<String, String> labels = request.getLabels();
        assertEquals("pg", labels.get("app"));
        assertEquals("stash-backup", labels.get("app.kubernetes.io/component"));
        assertEquals("stash.appscode.com", labels.get("app.kubernetes.io/managed-by"));
        assertEquals("BackupConfiguration", labels.get("stash.appscode.com/invoker-type"));
        assertEquals("pg-backup", labels.get("stash.appscode.com/invoker-name"));
        assertEquals("AppBinding", labels.get("stash.appscode.com/target-kind"));
        assertEquals("pg", labels.get("stash.appscode.com/target-name"));
        var attributes = CloudEventHeaders.read(records.get(0).headers()).orElseThrow();
        assertEquals("io.stashflow.session.requested.v1", attributes.type());

        advanceTo(Instant.parse("2026-03-01T10:09:59Z"));
        assertTrue(fired().isEmpty(), "a tick fires once");
        advanceTo(Instant.parse("2026-03-01T10:10:00Z"));
        assertEquals(List.of("pg-backup-" + Instant.parse("2026-03-01T10:10:00Z").getEpochSecond()),
                fired().stream().map(SessionRequested::getSessionName).toList());
    }

    /**
     * A failure of the task itself while a tick is written (here the sessions topic's schema cannot be registered, so
     * Kafka Streams fails the send) must reach Kafka Streams, which revives the task and fires the tick again from
     * the restored store. Caught as the schedule's own problem it would drop the schedule and lose the tick.
     */
    @Test
    void aTaskFailureWhileATickIsWrittenReachesKafkaStreams() {
        SchemaRegistry inMemory = EmbeddedSchemaRegistry.inMemory();
        SchemaRegistry refusingSessions = new SchemaRegistry() {
            @Override
            public int register(String subject, Schema schema) {
                if (subject.equals(topics.sessions() + "-value")) {
                    throw new SchemaRegistryException(RegistryErrorCode.STORE_ERROR.httpStatus(),
                            RegistryErrorCode.STORE_ERROR.code(), "refused by the test");
                }
                return inMemory.register(subject, schema);
            }

            @Override
            public Schema byId(int id) {
                return inMemory.byId(id);
            }

            @Override
            public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
                return inMemory.lookup(subject, schema);
            }

            @Override
            public Optional<RegisteredSchema> latest(String subject) {
                return inMemory.latest(subject);
            }

            @Override
            public RegisteredSchema version(String subject, int version) {
                return inMemory.version(subject, version);
            }

            @Override
            public boolean isCompatible(String subject, Schema schema) {
                return inMemory.isCompatible(subject, schema);
            }

            @Override
            public List<String> subjects() {
                return inMemory.subjects();
            }

            @Override
            public List<Integer> versions(String subject) {
                return inMemory.versions(subject);
            }
        };
        start(Duration.ZERO, new PlannerSerdes(refusingSessions));
        publish(CLUSTER, appBinding("pg") + "---\n" + backupConfiguration("pg-backup", "pg",
                "schedule: \"*/5 * * * *\""));

        StreamsException failure = assertThrows(StreamsException.class,
                () -> advanceTo(Instant.parse("2026-03-01T10:05:00Z")));

        Throwable cause = failure;
        while (cause.getCause() != null && !String.valueOf(cause.getMessage()).contains("refused by the test")) {
            cause = cause.getCause();
        }
        assertTrue(String.valueOf(cause.getMessage()).contains("refused by the test"), failure.toString());
    }

    @Test
    void afterAnOutageOnlyTheMostRecentMissedTickFires() {
        start(Duration.ZERO);
        publish(CLUSTER, appBinding("pg") + "---\n" + backupConfiguration("pg-backup", "pg", "schedule: \"*/5 * * * *\""));

        advanceTo(Instant.parse("2026-03-01T11:02:00Z"));

        List<SessionRequested> requests = fired();
        assertEquals(1, requests.size());
        assertEquals("pg-backup-" + Instant.parse("2026-03-01T11:00:00Z").getEpochSecond(),
                requests.get(0).getSessionName());
        assertEquals(11, listener.count("dropped"), "10:05 .. 10:55 were missed");
    }

    @Test
    void aPausedInvokerDoesNotFireAndDoesNotCatchUpWhenUnpaused() {
        start(Duration.ZERO);
        String paused = appBinding("pg") + "---\n" + backupConfiguration("pg-backup", "pg", """
                schedule: "*/5 * * * *"
                paused: true""");
        publish(CLUSTER, paused);
        advanceTo(Instant.parse("2026-03-01T10:05:00Z"));
        advanceTo(Instant.parse("2026-03-01T10:12:00Z"));
        assertTrue(fired().isEmpty());

        publish(CLUSTER, paused.replace("paused: true", "paused: false"));
        advanceTo(Instant.parse("2026-03-01T10:14:00Z"));
        assertTrue(fired().isEmpty(), "ticks missed while paused are dropped");
        advanceTo(Instant.parse("2026-03-01T10:15:00Z"));
        assertEquals(1, fired().size());
    }

    @Test
    void anUnusableScheduleIsRejectedOnceAndFiresAfterItIsFixed() {
        start(Duration.ZERO);
        String bad = appBinding("pg") + "---\n" + backupConfiguration("pg-backup", "pg", "schedule: \"61 * * * *\"");
        publish(CLUSTER, bad);
        publish(CLUSTER, bad);

        List<Rejected> rejections = rejected.readValuesToList();
        assertEquals(1, rejections.size(), "the same bad schedule is reported once");
        Rejected rejection = rejections.get(0);
        assertEquals("scheduler.schedule", rejection.getStage());
        assertTrue(rejection.getError().contains("BackupConfiguration demo/pg-backup: spec.schedule"),
                rejection.getError());
        assertTrue(rejection.getError().contains("61 is above the maximum 59"), rejection.getError());
        assertEquals(1, listener.count("scheduleInvalid"));

        advanceTo(Instant.parse("2026-03-01T12:00:00Z"));
        assertTrue(fired().isEmpty());

        publish(CLUSTER, bad.replace("61 * * * *", "1 * * * *"));
        advanceTo(Instant.parse("2026-03-01T13:01:00Z"));
        assertEquals(1, fired().size());
    }

    @Test
    void aDeletedInvokerIsNoLongerScheduled() {
        start(Duration.ZERO);
        publish(CLUSTER, backupConfiguration("pg-backup", "pg", "schedule: \"@hourly\""));
        definitionsTopic.pipeInput(RecordKeys.definition(CLUSTER, "BackupConfiguration", "demo", "pg-backup"), null);
        advanceTo(Instant.parse("2026-03-01T12:30:00Z"));
        assertTrue(fired().isEmpty());
    }

    @Test
    void everyCountsFromWhenTheInvokerWasFirstSeen() {
        start(Duration.ZERO);
        advanceTo(START.plusSeconds(7));
        publish(CLUSTER, backupConfiguration("pg-backup", "pg", "schedule: \"@every 90s\""));

        advanceTo(START.plusSeconds(7 + 89));
        assertTrue(fired().isEmpty());
        advanceTo(START.plusSeconds(7 + 90));
        advanceTo(START.plusSeconds(7 + 180));
        assertEquals(List.of("pg-backup-" + START.plusSeconds(97).getEpochSecond(),
                        "pg-backup-" + START.plusSeconds(187).getEpochSecond()),
                fired().stream().map(SessionRequested::getSessionName).toList());
    }

    @Test
    void aBatchScheduleRequestsSessionsOfTheBatchLabelledWithItsFirstMember() {
        start(Duration.ZERO);
        publish(CLUSTER, backupBatch("nightly", "Sequential", List.of("pg-a", "pg-b"))
                .replace("spec:\n", "spec:\n  schedule: \"@daily\"\n"));
        advanceTo(Instant.parse("2026-03-02T00:00:00Z"));

        List<SessionRequested> requests = fired();
        assertEquals(1, requests.size());
        assertEquals("BackupBatch", requests.get(0).getInvoker().getKind());
        assertEquals("pg-a", requests.get(0).getLabels().get("stash.appscode.com/target-name"));
        assertEquals(0, requests.get(0).getRetryLeft());
    }

    @Test
    void invokersOfOtherClustersAreNotScheduled() {
        start(Duration.ZERO);
        publish("elsewhere", backupConfiguration("pg-backup", "pg", "schedule: \"* * * * *\""));
        advanceTo(START.plusSeconds(600));
        assertTrue(fired().isEmpty());
    }

    @Test
    void jitterDelaysEveryTickOfAnInvokerByTheSameBoundedAmount() {
        start(Duration.ofMinutes(10));
        publish(CLUSTER, backupConfiguration("pg-backup", "pg", "schedule: \"@hourly\""));
        for (int minute = 0; minute <= 60 * 3 + 10; minute++) {
            advanceTo(START.plusSeconds(minute * 60L));
        }
        List<SessionRequested> requests = fired();
        assertEquals(3, requests.size());
        long firstDelay = Long.parseLong(requests.get(0).getSessionName().substring("pg-backup-".length()))
                - Instant.parse("2026-03-01T11:00:00Z").getEpochSecond();
        assertTrue(firstDelay >= 0 && firstDelay < 600, "delay " + firstDelay + "s within the 10 minute maximum");
        for (int i = 0; i < requests.size(); i++) {
            long tick = Instant.parse("2026-03-01T11:00:00Z").plusSeconds(3600L * i).getEpochSecond();
            assertEquals("pg-backup-" + (tick + firstDelay), requests.get(i).getSessionName());
        }
    }
}
