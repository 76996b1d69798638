package io.stashflow.reporter.streams;

import static io.stashflow.reporter.Fixtures.at;
import static io.stashflow.reporter.Fixtures.backupKey;
import static io.stashflow.reporter.Fixtures.host;
import static io.stashflow.reporter.Fixtures.repositoryResult;
import static io.stashflow.reporter.Fixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.Definition;
import io.stashflow.events.PlanRejected;
import io.stashflow.events.RepositoryStatus;
import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionRequested;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.StepOutcome;
import io.stashflow.events.StepRole;
import io.stashflow.reporter.Fixtures;
import io.stashflow.reporter.Fixtures.Session;
import io.stashflow.reporter.core.Conditions;
import io.stashflow.reporter.core.Phases;
import io.stashflow.reporter.events.MetricFamilyState;
import io.stashflow.reporter.events.MetricsPushRequest;
import io.stashflow.reporter.events.ReporterSignal;
import io.stashflow.reporter.events.SignalKind;
import io.stashflow.service.streams.StreamsRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReporterTopologyTest {

    static final Topics TOPICS = Topics.withDefaultPrefix();
    static final ReporterTopics NAMES = new ReporterTopics(TOPICS);
    static final Instant WALL = Instant.parse("2026-01-10T02:00:00Z");

    TopologyTestDriver driver;
    ReporterSerdes serdes;
    TestInputTopic<String, SessionRequested> sessions;
    TestInputTopic<String, StepOutcome> outcomes;
    TestInputTopic<String, PlanRejected> planRejections;
    TestInputTopic<String, ReporterSignal> signals;
    TestInputTopic<String, Definition> definitions;
    TestInputTopic<String, byte[]> rawOutcomes;
    TestOutputTopic<String, SessionStatus> status;
    TestOutputTopic<String, RepositoryStatus> repositories;
    TestOutputTopic<String, MetricsPushRequest> pushes;
    TestOutputTopic<String, MetricFamilyState> families;
    TestOutputTopic<String, ReporterSignal> signalsOut;
    final java.util.concurrent.atomic.AtomicInteger rejections = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        serdes = new ReporterSerdes(EmbeddedSchemaRegistry.inMemory());
        var settings = new ReporterTopology.Settings(true, Optional.empty(), Map.of(), Duration.ofSeconds(10),
                Duration.ofMinutes(10), Duration.ofHours(1), "/stashflow/reporter/test");
        Path state = Files.createTempDirectory("reporter-ttd");
        Properties props = StreamsRunner.properties("reporter-ttd", "unused:9092", state, Map.of());
        StreamsRunner.rejectingHandler(props, TOPICS.rejected(), "reporter.decode", "/stashflow/reporter/test",
                serdes.rejected.serializer(), rejections::incrementAndGet);
        driver = new TopologyTestDriver(ReporterTopology.build(NAMES, serdes, settings), props, WALL);
        var strings = new StringSerializer();
        sessions = driver.createInputTopic(TOPICS.sessions(), strings, serdes.sessionRequested.serializer());
        outcomes = driver.createInputTopic(TOPICS.stepOutcomes(), strings, serdes.stepOutcome.serializer());
        rawOutcomes = driver.createInputTopic(TOPICS.stepOutcomes(), strings, new ByteArraySerializer());
        planRejections = driver.createInputTopic(TOPICS.planRejections(), strings, serdes.planRejected.serializer());
        signals = driver.createInputTopic(NAMES.signals(), strings, serdes.signal.serializer());
        definitions = driver.createInputTopic(TOPICS.definitions(), strings, serdes.definition.serializer());
        var stringsIn = new StringDeserializer();
        status = driver.createOutputTopic(TOPICS.sessionStatus(), stringsIn, serdes.sessionStatus.deserializer());
        repositories = driver.createOutputTopic(TOPICS.repositoryStatus(), stringsIn, serdes.repositoryStatus.deserializer());
        pushes = driver.createOutputTopic(NAMES.metricsPushes(), stringsIn, serdes.pushRequest.deserializer());
        families = driver.createOutputTopic(NAMES.metricFamilies(), stringsIn, serdes.familyState.deserializer());
        signalsOut = driver.createOutputTopic(NAMES.signals(), stringsIn, serdes.signal.deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    static String key(SessionKey k) {
        return RecordKeys.of(k);
    }

    void pipe(Object input) {
        if (input instanceof SessionRequested r) {
            sessions.pipeInput(RecordKeys.of(r.getCluster(), r.getNamespace(), r.getSessionName()), r);
        } else if (input instanceof StepOutcome o) {
            outcomes.pipeInput(key(o.getSessionKey()), o);
        } else if (input instanceof PlanRejected p) {
            planRejections.pipeInput(key(p.getSessionKey()), p);
        }
    }

    /** What the pusher does after a successful push. */
    void acknowledgePush(SessionKey k, long atSeconds) {
        signals.pipeInput(key(k), ReporterSignal.newBuilder().setKind(SignalKind.CONDITION)
                .setSessionKind(k.getKind().name()).setConditionType("MetricsPushed").setConditionStatus("True")
                .setReason("SuccessfullyPushedMetrics").setMessage("Successfully pushed metrics.")
                .setAt(at(atSeconds)).setSource("metrics-pusher").build());
    }

    List<SessionStatus> statuses(SessionKey k) {
        List<SessionStatus> out = new ArrayList<>();
        for (KeyValue<String, SessionStatus> kv : status.readKeyValuesToList()) {
            if (kv.key.equals(key(k)) && kv.value != null) {
                out.add(kv.value);
            }
        }
        return out;
    }

    @Test
    void aSuccessfulBackupGoesPendingRunningThenSucceededAfterTheMetricsPush() {
        SessionKey k = backupKey("pg-backup-1768010400");
        pipe(request(k, 0));
        List<SessionStatus> first = statuses(k);
        assertEquals(Phases.PENDING, first.get(first.size() - 1).getPhase());
        new Session(k).successfulTarget(0, 5).forEach(this::pipe);
        List<SessionStatus> running = statuses(k);
        assertEquals(Phases.RUNNING, running.get(running.size() - 1).getPhase());

        List<KeyValue<String, MetricsPushRequest>> push = pushes.readKeyValuesToList();
        assertEquals(1, push.size(), "one push request when the session completes");
        assertEquals("backupconfiguration-demo-pg-backup", push.get(0).value.getJob());
        assertTrue(push.get(0).value.getBody().contains("stash_backup_session_success{driver=\"Restic\",invoker_kind="
                + "\"BackupConfiguration\",invoker_name=\"pg-backup\",namespace=\"demo\",repository=\"gcs-repo\"} 1"),
                push.get(0).value.getBody());
        assertTrue(push.get(0).value.getReportsRepositoryMetrics());
        assertFalse(families.readKeyValuesToList().isEmpty());

        RepositoryStatus repo = repositories.readValue();
        assertEquals("gcs-repo", repo.getName());
        assertEquals(Boolean.TRUE, repo.getIntegrity());
        assertEquals("1.250 GiB", repo.getTotalSize());
        assertEquals(7L, repo.getSnapshotCount());
        assertEquals(2L, repo.getSnapshotsRemovedOnLastCleanup());
        assertEquals(at(0), repo.getLastBackupTime());
        assertEquals(at(0), repo.getFirstBackupTime());

        acknowledgePush(k, 40);
        // the driver feeds the history stage's BackupHistoryCleaned signal back in, as Kafka would
        List<SessionStatus> after = statuses(k);
        SessionStatus done = after.get(0);
        assertEquals(Phases.SUCCEEDED, done.getPhase());
        assertEquals("40s", done.getSessionDuration());
        SessionStatus cleaned = last(after);
        assertTrue(Conditions.isTrue(cleaned.getConditions(), "BackupHistoryCleaned"));
        assertEquals(Phases.SUCCEEDED, cleaned.getPhase());
        assertEquals("40s", cleaned.getSessionDuration(), "write-once");
    }

    @Test
    void duplicatesAndReorderingEmitOneRecordPerChangeAndTheSameResult() {
        SessionKey k = backupKey("pg-backup-dup");
        List<StepOutcome> in = new Session(k).successfulTarget(0, 5);
        pipe(in.get(3));
        pipe(in.get(1));
        pipe(in.get(3));
        pipe(request(k, 0));
        pipe(in.get(0));
        pipe(in.get(2));
        pipe(in.get(0));
        List<SessionStatus> emitted = statuses(k);
        for (int i = 1; i < emitted.size(); i++) {
            assertFalse(io.stashflow.reporter.core.AvroValues.same(emitted.get(i), emitted.get(i - 1)), "a duplicate must not emit a record");
        }
        assertEquals(1, pushes.readKeyValuesToList().size());
        acknowledgePush(k, 40);
        assertEquals(Phases.SUCCEEDED, statuses(k).get(0).getPhase());
    }

    @Test
    void aRejectedPlanEndsTheSessionFailed() {
        SessionKey k = backupKey("pg-backup-rejected");
        pipe(request(k, 0));
        pipe(new Session(k).rejected(0, "Task postgres-backup-16.1 not found", 1));
        SessionStatus waiting = last(statuses(k));
        assertEquals("False", Conditions.find(waiting.getTargets().get(0).getConditions(), "BackupExecutorEnsured")
                .orElseThrow().getStatus());
        assertEquals(1, pushes.readKeyValuesToList().size());
        acknowledgePush(k, 2);
        assertEquals(Phases.FAILED, last(statuses(k)).getPhase());
    }

    @Test
    void theSweeperEndsASessionPastItsDeadlineWithStashsCondition() {
        SessionKey k = backupKey("pg-backup-late");
        Session s = new Session(k).deadline(300);
        pipe(request(k, 0));
        pipe(s.started(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 1));
        driver.advanceWallClockTime(Duration.ofSeconds(200));
        assertEquals(Phases.RUNNING, last(statuses(k)).getPhase());
        driver.advanceWallClockTime(Duration.ofSeconds(120));
        SessionStatus late = last(statuses(k));
        var deadline = Conditions.find(late.getConditions(), "DeadlineExceeded").orElseThrow();
        assertEquals("FailedToCompleteWithinDeadline", deadline.getReason());
        assertEquals("Failed to complete backup within 5m0s.", deadline.getMessage());
        assertEquals(1, pushes.readKeyValuesToList().size(), "a session past its deadline is complete: push its metrics");
        acknowledgePush(k, 330);
        assertEquals(Phases.FAILED, last(statuses(k)).getPhase());
    }

    @Test
    void theSweeperEndsASessionWhoseAgentWentSilent() {
        SessionKey k = backupKey("pg-backup-silent");
        pipe(request(k, 0));
        pipe(new Session(k).started(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 1));
        driver.advanceWallClockTime(Duration.ofMinutes(11));
        SessionStatus silent = last(statuses(k));
        assertTrue(Conditions.isTrue(silent.getConditions(), "AgentSilent"), silent.getConditions().toString());
    }

    @Test
    void historyLimitKeepsTheLatestCompletedAndTombstonesTheRest() {
        definitions.pipeInput(RecordKeys.definition("prod", "BackupConfiguration", "demo", "pg-backup"),
                Definition.newBuilder().setCluster("prod").setApiVersion("stash.appscode.com/v1beta1")
                        .setKind("BackupConfiguration").setNamespace("demo").setName("pg-backup").setGeneration(1L)
                        .setResourceVersion(null).setDocument("{\"spec\":{\"backupHistoryLimit\":2}}")
                        .setSource("test").setObservedAt(WALL).build());
        List<SessionKey> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SessionKey k = backupKey("pg-backup-" + (1000 + i));
            keys.add(k);
            pipe(request(k, i * 100L));
            new Session(k).successfulTarget(0, i * 100L + 5).forEach(this::pipe);
            acknowledgePush(k, i * 100L + 50);
        }
        List<String> tombstoned = new ArrayList<>();
        for (KeyValue<String, SessionStatus> kv : status.readKeyValuesToList()) {
            if (kv.value == null) {
                tombstoned.add(kv.key);
            }
        }
        assertEquals(List.of(key(keys.get(0)), key(keys.get(1))), tombstoned, "limit 2 keeps the two newest");
        // a late duplicate of a removed session does not bring it back
        pipe(new Session(keys.get(0)).successfulTarget(0, 5).get(3));
        assertTrue(statuses(keys.get(0)).isEmpty());
    }

    /**
     * The test driver does not deliver dead-letter records, so this checks that the handler ran and the topology went
     * on; {@code ReporterServiceIntegrationTest} reads the Rejected record back from a real broker.
     */
    @Test
    void undecodableBytesAreRejectedAndTheServiceContinues() {
        rawOutcomes.pipeInput("prod/demo/x", new byte[] {0, 0, 0, 0, 99, 1, 2});
        assertEquals(1, rejections.get());
        SessionKey k = backupKey("pg-backup-after-poison");
        pipe(request(k, 0));
        assertEquals(Phases.PENDING, last(statuses(k)).getPhase());
    }

    @Test
    void theRepositoryKeepsTheNewestResultWhenAnOlderOneArrivesLate() {
        SessionKey newer = backupKey("pg-backup-new");
        SessionKey older = backupKey("pg-backup-old");
        pipe(request(newer, 500));
        pipe(new Session(newer).updateStatus(0, 530, List.of(host("host-0", "Succeeded", null)), repositoryResult(true, true)));
        pipe(request(older, 100));
        pipe(new Session(older).updateStatus(0, 600, List.of(host("host-0", "Succeeded", null)),
                repositoryResult(true, false)));
        List<RepositoryStatus> all = repositories.readValuesToList();
        RepositoryStatus latest = all.get(all.size() - 1);
        assertEquals(Boolean.TRUE, latest.getIntegrity());
        assertEquals(at(500), latest.getLastBackupTime());
        assertEquals(at(100), latest.getFirstBackupTime(), "firstBackupTime: the earliest session seen");
        assertNull(null);
    }

    /** Every status record emitted so far, per session key (tombstones left out). */
    Map<String, List<SessionStatus>> statusesBySession() {
        Map<String, List<SessionStatus>> out = new java.util.HashMap<>();
        for (KeyValue<String, SessionStatus> kv : status.readKeyValuesToList()) {
            if (kv.value != null) {
                out.computeIfAbsent(kv.key, k -> new ArrayList<>()).add(kv.value);
            }
        }
        return out;
    }

    /** The failed backup of {@code failed}: one step fails at 20s, metrics pushed at 30s. */
    void failedBackup(SessionKey failed) {
        Session s = new Session(failed);
        pipe(request(failed, 0));
        pipe(s.started(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 1));
        pipe(s.failed(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 20, "Error", "dump failed"));
        acknowledgePush(failed, 30);
    }

    /** The planner's retry of {@code failed}, requested at {@code atSeconds}. */
    static SessionRequested retryOf(SessionKey failed, SessionKey retry, long atSeconds) {
        return SessionRequested.newBuilder(request(retry, atSeconds)).setRequestedBy("retry")
                .setRetryOf(failed.getName()).build();
    }

    @Test
    void aRetryMarksTheFailedSessionRetriedAndTheRetryStartsAfresh() {
        SessionKey failed = backupKey("pg-backup-1768010400");
        failedBackup(failed);
        SessionStatus before = last(statusesBySession().get(key(failed)));
        assertEquals(Phases.FAILED, before.getPhase());
        assertNull(before.getRetried());
        assertNull(before.getNextRetry());
        pushes.readKeyValuesToList();
        signalsOut.readKeyValuesToList();

        SessionKey retry = backupKey("pg-backup-1768010700");
        pipe(retryOf(failed, retry, 300));

        List<KeyValue<String, ReporterSignal>> relayed = signalsOut.readKeyValuesToList().stream()
                .filter(kv -> kv.value.getKind() == SignalKind.RETRIED).toList();
        assertEquals(1, relayed.size(), "one RETRIED signal, keyed by the failed session");
        assertEquals(key(failed), relayed.get(0).key);
        assertEquals(retry.getName(), relayed.get(0).value.getMessage());

        Map<String, List<SessionStatus>> emitted = statusesBySession();
        SessionStatus old = last(emitted.get(key(failed)));
        assertEquals(Boolean.TRUE, old.getRetried());
        assertEquals(at(300), old.getNextRetry());
        assertEquals(Phases.FAILED, old.getPhase());
        assertEquals(before.getSessionDuration(), old.getSessionDuration());
        assertEquals(before.getConditions().toString(), old.getConditions().toString());

        SessionStatus fresh = last(emitted.get(key(retry)));
        assertEquals(Phases.PENDING, fresh.getPhase());
        assertNull(fresh.getRetried());
        assertNull(fresh.getNextRetry());
        assertTrue(pushes.readKeyValuesToList().isEmpty(), "marking the failed session does not push its metrics again");

        pipe(retryOf(failed, retry, 300)); // redelivered
        assertTrue(statusesBySession().isEmpty(), "a redelivered retry changes nothing");
    }

    @Test
    void aRetryThatOvertakesTheFailedSessionsFactsIsAppliedWhenTheyArrive() {
        SessionKey failed = backupKey("pg-backup-1768011000");
        SessionKey retry = backupKey("pg-backup-1768011300");
        pipe(retryOf(failed, retry, 300));
        assertNull(statusesBySession().get(key(failed)), "nothing to report about a session only named by a retry");

        failedBackup(failed);
        SessionStatus old = last(statusesBySession().get(key(failed)));
        assertEquals(Phases.FAILED, old.getPhase());
        assertEquals(Boolean.TRUE, old.getRetried());
        assertEquals(at(300), old.getNextRetry());
        assertEquals("30s", old.getSessionDuration(), "the retry is not counted in the failed session's duration");
    }

    static SessionStatus last(List<SessionStatus> list) {
        assertFalse(list.isEmpty(), "no status emitted");
        return list.get(list.size() - 1);
    }

    static { Fixtures.at(0); }
}
