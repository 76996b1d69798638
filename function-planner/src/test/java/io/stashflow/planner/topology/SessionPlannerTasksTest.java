package io.stashflow.planner.topology;

import static io.stashflow.planner.topology.PlannerFixtures.backupConfiguration;
import static io.stashflow.planner.topology.PlannerFixtures.backupRequest;
import static io.stashflow.planner.topology.PlannerFixtures.definitions;
import static io.stashflow.planner.topology.PlannerFixtures.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.PlanRejected;
import io.stashflow.events.SessionRequested;
import io.stashflow.events.SessionStatus;
import io.stashflow.planner.definitions.DefinitionsView;
import io.stashflow.planner.lifecycle.TrackedSession;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two planner tasks of one instance, each owning the sessions of its partition, sharing the status and facts views
 * as the topology wires them (the global thread is played by the test: what a task publishes reaches the facts view
 * when the test says so, as after a commit). Stash's namespace rules must hold across them: a Running session owned
 * by one task skips the next session of its invoker in the other, and of two sessions of a shared target held by
 * different tasks the older goes first and the younger waits until it ended.
 */
class SessionPlannerTasksTest {

    private static final String CLUSTER = "c1";
    private static final String BC = "BackupConfiguration";
    private static final Instant T0 = PlannerHarness.START;

    @TempDir
    Path stateDir;

    private final DefinitionsView view = new DefinitionsView();
    private final StatusView statuses = new StatusView(Set.of(CLUSTER));
    private final FactsView facts = new FactsView(Set.of(CLUSTER), statuses);
    private final PlannerSerdes serdes = new PlannerSerdes(EmbeddedSchemaRegistry.inMemory());
    private final Topics topics = Topics.withDefaultPrefix();
    private final PlanCache sharedCache = new PlanCache(view, PlannerHarness.RESOLVER, 100);
    private Task first;
    private Task second;

    /** One task: its processor, store and context. */
    private final class Task {
        final MockProcessorContext<String, PlannerOutput> context;
        final KeyValueStore<String, TrackedSession> store;
        final SessionPlannerProcessor processor;
        int taken;

        Task(int partition) throws Exception {
            Properties properties = new Properties();
            properties.put("application.id", "planner-tasks-test");
            properties.put("bootstrap.servers", "unused:9092");
            context = new MockProcessorContext<>(properties, new TaskId(0, partition),
                    stateDir.resolve("task-" + partition).toFile());
            context.setCurrentSystemTimeMs(T0.toEpochMilli());
            store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PlannerTopology.SESSIONS_STORE),
                    Serdes.String(), serdes.trackedSession).withLoggingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
            PlannerTopology.Settings settings = PlannerTopology.Settings.defaults(topics, Set.of(CLUSTER))
                    .withResolverSettings(PlannerHarness.RESOLVER);
            processor = new SessionPlannerProcessor(settings, view, statuses, facts, () -> sharedCache,
                    PlannerListener.none(), new PlanEncoder(serdes.jobPlanned, topics));
            processor.init(context);
        }

        void request(SessionRequested request) {
            processor.process(new Record<>(RecordKeys.of(request.getCluster(), request.getNamespace(),
                    request.getSessionName()), request, context.currentSystemTimeMs()));
        }

        /** Moves the task's clock and runs its punctuator, as the stream thread would. */
        void at(Instant now) {
            context.setCurrentSystemTimeMs(now.toEpochMilli());
            for (var punctuator : context.scheduledPunctuators()) {
                punctuator.getPunctuator().punctuate(now.toEpochMilli());
            }
        }

        /** What the task emitted since the last call. */
        List<PlannerOutput> outputs() {
            List<PlannerOutput> out = new ArrayList<>();
            List<MockProcessorContext.CapturedForward<? extends String, ? extends PlannerOutput>> all =
                    context.forwarded();
            for (int i = taken; i < all.size(); i++) {
                out.add(all.get(i).record().value());
            }
            taken = all.size();
            return out;
        }

        /** The sessions the task planned since the last look. */
        List<String> plannedSessions() {
            List<String> planned = new ArrayList<>();
            for (PlannerOutput out : outputs()) {
                if (out.plan() != null) {
                    JobPlanned plan = serdes.jobPlanned.deserialize(out.topic(), out.plan());
                    planned.add(plan.getSessionKey().getName());
                }
            }
            return planned;
        }
    }

    @BeforeEach
    void world() throws Exception {
        PlannerFixtures.postgresWorld(CLUSTER).forEach(view::apply);
        // pg-hourly backs up the AppBinding pg too: pg is a shared target
        definitions(CLUSTER, backupConfiguration("pg-hourly", "pg", "")).forEach(view::apply);
        first = new Task(0);
        second = new Task(1);
    }

    @AfterEach
    void close() {
        first.processor.close();
        second.processor.close();
    }

    /** Delivers every fact the tasks forwarded to the facts view. */
    private void commitFacts() {
        for (Task task : List.of(first, second)) {
            for (var forward : task.context.forwarded()) {
                PlannerOutput out = forward.record().value();
                if (out.isFact()) {
                    facts.apply(forward.record().key(), out.fact());
                }
            }
        }
    }

    private void report(SessionStatus status) {
        statuses.apply(RecordKeys.of(status.getSessionKey()), StatusDigest.of(status));
    }

    @Test
    void aSessionRunningInOneTaskSkipsTheNextSessionOfItsInvokerInTheOther() {
        // an invoker with a target of its own: only the skip rule applies
        definitions(CLUSTER, PlannerFixtures.appBinding("solo") + "---\n" + backupConfiguration("solo-bc", "solo", ""))
                .forEach(view::apply);
        first.request(backupRequest(CLUSTER, "solo-bc-1", BC, "solo-bc", T0, 0));
        assertEquals(List.of("solo-bc-1"), first.plannedSessions());
        report(status(CLUSTER, "solo-bc-1", BC, "solo-bc", "Running", T0.plusSeconds(1), Map.of("solo", "Running")));

        second.request(backupRequest(CLUSTER, "solo-bc-2", BC, "solo-bc", T0.plusSeconds(2), 0));
        List<PlannerOutput> out = second.outputs();
        PlanRejected skip = out.stream().map(PlannerOutput::rejection).filter(r -> r != null).findFirst()
                .orElseThrow(() -> new AssertionError("not skipped: " + out));
        assertTrue(skip.getSkipped());
        assertEquals("Skipped taking new backup. Reason: Previous BackupSession: solo-bc-1 is \"Running\".",
                skip.getReason());
        assertTrue(out.stream().noneMatch(o -> o.plan() != null));
    }

    @Test
    void ofTwoSessionsOfASharedTargetInDifferentTasksTheOlderGoesFirstAndTheYoungerWaitsForItsEnd() {
        first.request(backupRequest(CLUSTER, "pg-backup-1", BC, "pg-backup", T0, 0));
        second.request(backupRequest(CLUSTER, "pg-hourly-1", BC, "pg-hourly", T0.plusSeconds(1), 0));
        // both wait the two seconds of a shared target and publish themselves meanwhile
        assertEquals(List.of(), first.plannedSessions());
        assertEquals(List.of(), second.plannedSessions());
        commitFacts();

        Instant later = T0.plusSeconds(3);
        second.at(later);
        first.at(later);
        assertEquals(List.of(), second.plannedSessions(), "pg-hourly-1 is younger: it waits for pg-backup-1");
        assertEquals(List.of("pg-backup-1"), first.plannedSessions());
        commitFacts();

        // still waiting while pg-backup-1 runs, whatever the reporter says about it
        report(status(CLUSTER, "pg-backup-1", BC, "pg-backup", "Running", T0.plusSeconds(5), Map.of("pg", "Running")));
        first.at(T0.plusSeconds(6));
        second.at(T0.plusSeconds(6));
        commitFacts();
        second.at(T0.plusSeconds(30));
        assertEquals(List.of(), second.plannedSessions());

        report(status(CLUSTER, "pg-backup-1", BC, "pg-backup", "Succeeded", T0.plusSeconds(40),
                Map.of("pg", "Succeeded")));
        first.at(T0.plusSeconds(41));
        commitFacts();
        assertTrue(facts.incomplete(CLUSTER, PlannerFixtures.NAMESPACE,
                new io.stashflow.planner.lifecycle.TargetKey("AppBinding", "demo", "pg")).stream()
                .noneMatch(f -> f.name().equals("pg-backup-1")), "the ended session's fact is withdrawn");
        second.at(T0.plusSeconds(42));
        assertEquals(List.of("pg-hourly-1"), second.plannedSessions());
    }

    @Test
    void aPlannedSessionOfASharedTargetHoldsBackTheOtherTaskBeforeTheReporterSpeaks() {
        first.request(backupRequest(CLUSTER, "pg-backup-1", BC, "pg-backup", T0, 0));
        first.at(T0.plusSeconds(3));
        assertEquals(List.of("pg-backup-1"), first.plannedSessions());
        commitFacts();

        // the reporter has said nothing yet; the fact alone holds pg-hourly-1 back
        second.request(backupRequest(CLUSTER, "pg-hourly-1", BC, "pg-hourly", T0.plusSeconds(4), 0));
        second.at(T0.plusSeconds(10));
        assertEquals(List.of(), second.plannedSessions());
    }

    @Test
    void aTaskTakesTheStatusesOfItsSessionsAndRetriesAFailedOne() {
        first.request(backupRequest(CLUSTER, "pg-backup-1", BC, "pg-backup", T0, 1));
        first.at(T0.plusSeconds(3));
        assertEquals(List.of("pg-backup-1"), first.plannedSessions());
        report(status(CLUSTER, "pg-backup-1", BC, "pg-backup", "Failed", T0.plusSeconds(10), Map.of("pg", "Failed")));
        // the other task does not own it and never retries it
        second.at(T0.plusSeconds(200));
        assertTrue(second.outputs().stream().noneMatch(o -> o.request() != null));
        first.at(T0.plusSeconds(200));
        List<SessionRequested> retries = first.outputs().stream().map(PlannerOutput::request)
                .filter(r -> r != null).toList();
        assertEquals(1, retries.size());
        assertEquals("pg-backup-1", retries.get(0).getRetryOf());
    }

    @Test
    void aTaskThatStartsAfterAStatusWasWrittenTakesIt() throws Exception {
        first.request(backupRequest(CLUSTER, "pg-backup-1", BC, "pg-backup", T0, 1));
        first.at(T0.plusSeconds(3));
        first.processor.close();
        report(status(CLUSTER, "pg-backup-1", BC, "pg-backup", "Failed", T0.plusSeconds(10), Map.of("pg", "Failed")));

        // the task is initialised again from its store (as after a rebalance) and finds the failure in the view
        first.processor.init(first.context);
        first.at(T0.plusSeconds(200));
        assertEquals(1, first.outputs().stream().filter(o -> o.request() != null).count());
    }

    @Test
    void theWallClockPunctuationMakesDeferredEntriesOnceTheThreadIsIdle() throws Exception {
        first.request(backupRequest(CLUSTER, "pg-backup-1", BC, "pg-backup", T0, 0));
        first.at(T0.plusSeconds(3));
        assertEquals(1, sharedCache.deferredEntries());
        // the idle test is on the real clock: half a second without a session
        Thread.sleep(PlanCache.IDLE_NANOS / 1_000_000 + 100);
        first.at(T0.plusSeconds(4));
        assertEquals(0, sharedCache.deferredEntries());
        second.request(backupRequest(CLUSTER, "pg-backup-2", BC, "pg-backup", T0.plusSeconds(100), 0));
        second.at(T0.plusSeconds(103));
        assertEquals(1L, sharedCache.outcomes().get(PlanCache.Outcome.HIT));
        assertEquals(null, sharedCache.outcomes().get(PlanCache.Outcome.MISS));
    }

    @Test
    void theTasksShareOnePlanCache() {
        first.request(backupRequest(CLUSTER, "pg-backup-1", BC, "pg-backup", T0, 0));
        first.at(T0.plusSeconds(3));
        second.request(backupRequest(CLUSTER, "pg-backup-2", BC, "pg-backup", T0.plusSeconds(100), 0));
        second.at(T0.plusSeconds(103));
        // the second task's session is the invoker's second: it makes the entry the first task's session deferred
        assertEquals(1L, sharedCache.outcomes().get(PlanCache.Outcome.FIRST));
        assertEquals(1L, sharedCache.outcomes().get(PlanCache.Outcome.MISS));
    }
}
