package io.stashflow.planner.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.events.Definition;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.SessionRequested;
import io.stashflow.planner.definitions.DefinitionsView;
import io.stashflow.planner.resolver.ResolvedPlan;
import io.stashflow.planner.resolver.ResolverSettings;
import io.stashflow.planner.resolver.StashResolver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PlanCache}: every {@code JobPlanned} built from the cache is, byte for byte, the one built from a plain
 * resolution of the same session with the same definitions, for many sessions of many invoker shapes, and after each
 * kind of definition the resolution reads has changed.
 */
class PlanCacheTest {

    private static final String CLUSTER = "c1";
    private static final String NS = PlannerFixtures.NAMESPACE;
    private static final ResolverSettings RESOLVER = PlannerHarness.RESOLVER;
    private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");
    private static final Consumer<PlanCache.Outcome> IGNORE = outcome -> { };

    /** Invokers of the test world: kind, name. */
    private static final List<String[]> INVOKERS = List.of(
            new String[] {StashResolver.KIND_BACKUP_CONFIGURATION, "pg-backup"},
            new String[] {StashResolver.KIND_BACKUP_CONFIGURATION, "pvc-backup"},
            new String[] {StashResolver.KIND_BACKUP_CONFIGURATION, "hooked"},
            new String[] {StashResolver.KIND_BACKUP_CONFIGURATION, "echo"},
            new String[] {StashResolver.KIND_BACKUP_BATCH, "batch-parallel"},
            new String[] {StashResolver.KIND_BACKUP_CONFIGURATION, "interim"},
            new String[] {StashResolver.KIND_BACKUP_CONFIGURATION, "cutter"});

    private final ConfluentAvroSerde<JobPlanned> serde =
            new PlannerSerdes(EmbeddedSchemaRegistry.inMemory()).jobPlanned();
    private static final io.stashflow.api.topics.Topics TOPICS = io.stashflow.api.topics.Topics.withDefaultPrefix();
    private static final String JOBS = TOPICS.jobs(CLUSTER);
    private final PlanEncoder encoder = new PlanEncoder(serde, TOPICS);
    private DefinitionsView view;
    private PlanCache cache;

    @BeforeEach
    void world() {
        view = new DefinitionsView();
        publish(PlannerFixtures.postgresWorld(CLUSTER));
        publish(PlannerFixtures.definitions(CLUSTER, PlannerFixtures.resource("/planner/plan-cache-world.yaml")));
        cache = new PlanCache(view, RESOLVER, 100);
    }

    @Test
    void everySessionIsPlannedAsTheResolverPlansIt() throws Exception {
        int cacheable = 0;
        int other = 0;
        for (int i = 0; i < 60; i++) {
            for (String[] invoker : INVOKERS) {
                String name = sessionName(invoker[1], i);
                assertSameAsPlain(request(name, invoker[0], invoker[1], i % 3));
                if (name.matches("[a-z0-9.-]+")) {
                    cacheable++;
                } else {
                    other++;
                }
            }
        }
        assertTrue(other > 0 && cacheable > 300, cacheable + " " + other);
        // per invoker and retryLeft (0, 1, 2), the first session is resolved (its entry deferred), the second makes
        // the entry; after that the five reusable invokers hit, and interim (its claim is named after the session)
        // and cutter (cuts the name) resolve every time
        int perInvoker = cacheable / INVOKERS.size();
        assertEquals(Map.of(PlanCache.Outcome.FIRST, 7L * 3, PlanCache.Outcome.MISS, 7L * 3,
                PlanCache.Outcome.HIT, 5L * (perInvoker - 6), PlanCache.Outcome.NOT_REUSABLE, 2L * (perInvoker - 6),
                PlanCache.Outcome.PLAIN, (long) other), cache.outcomes());
        // each entry's first hit makes the encoded templates (one per target; the batch has two), every later hit
        // is written from them: 5 invokers x 3 entries, the batch's hits count twice
        long laterHits = 5L * (perInvoker - 6) - 5L * 3;
        assertEquals(laterHits + (perInvoker - 6 - 3), cache.encodedTemplateUse()[0]);
        assertEquals(0, cache.encodedTemplateUse()[1]);
    }

    /** Typical scheduler names, dotted and long names (hashed pod names), and some the cache leaves alone. */
    private static String sessionName(String invoker, int i) {
        return switch (i % 6) {
            case 0, 1 -> invoker + "-" + (1_700_000_000 + i);
            case 2 -> "n." + i + ".dotted";
            case 3 -> "long-" + "x".repeat(60) + "-" + i;
            case 4 -> i % 12 == 4 ? "Upper-" + i : "s" + i;
            default -> i % 12 == 5 ? "under_score_" + i : invoker;
        };
    }

    @Test
    void aChangedFunctionChangesThePlansOfTheNextSession() throws Exception {
        JobPlanned before = assertSameAsPlain(request("echo-1", "BackupConfiguration", "echo", 0)).get(0);
        republishWith("Function//echo", "--namespace=${NAMESPACE}", "--namespace=${NAMESPACE} --changed");
        JobPlanned after = assertSameAsPlain(request("echo-2", "BackupConfiguration", "echo", 0)).get(0);
        assertTrue(after.getPod().getInitContainers().get(0).getArgs().contains("--namespace=demo --changed"));
        assertFalse(before.getPod().getInitContainers().get(0).getArgs().contains("--namespace=demo --changed"));
        assertEquals(1, cache.outcomes().get(PlanCache.Outcome.FIRST));
        assertEquals(1, cache.outcomes().get(PlanCache.Outcome.MISS));
    }

    @Test
    void everyDefinitionTheResolutionReadInvalidatesTheEntryWhenItChanges() throws Exception {
        String[][] changes = {
            // the end of the definition's key, the JSON text replaced, its replacement
            {"Task//echo-task", "copy-of-", "another-copy-"},
            {"BackupConfiguration/demo/pvc-backup", "\"cpu\":\"500m\"", "\"cpu\":\"750m\""},
            {"Repository/demo/s3-repo", "\"bucket\":\"stash-demo\"", "\"bucket\":\"other-bucket\""},
            {"AppBinding/demo/pg", "\"backupTask\":{\"name\":\"postgres-backup-16.1\"}",
                "\"backupTask\":{\"name\":\"postgres-backup-16.1\",\"params\":[{\"name\":\"backupCMD\","
                        + "\"value\":\"pg_dump\"}]}"},
            {"Repository/demo/local-repo", "\"subPath\":\"demo\"", "\"subPath\":\"elsewhere\""},
            {"Function//postgres-backup-16.1", "--wait-timeout=", "--wait-time="},
        };
        String[] invokerOf = {"echo", "pvc-backup", "pg-backup", "pg-backup", "hooked", "pg-backup"};
        for (int c = 0; c < changes.length; c++) {
            String invoker = invokerOf[c];
            String kind = StashResolver.KIND_BACKUP_CONFIGURATION;
            List<JobPlanned> first = assertSameAsPlain(request(invoker + "-a" + c, kind, invoker, 0));
            assertSameAsPlain(request(invoker + "-b" + c, kind, invoker, 0));
            republishWith(changes[c][0], changes[c][1], changes[c][2]);
            List<JobPlanned> changed = assertSameAsPlain(request(invoker + "-a" + c, kind, invoker, 0));
            assertNotEquals(first.get(0).getPod(), changed.get(0).getPod(), "change " + c + " shows in the plan");
        }
    }

    @Test
    void aUserFunctionReplacingABuiltInIsPickedUpAndDroppedAgain() throws Exception {
        JobPlanned builtin = assertSameAsPlain(request("pvc-1", "BackupConfiguration", "pvc-backup", 0)).get(0);
        Map<String, Definition> own = PlannerFixtures.definitions(CLUSTER, """
                apiVersion: stash.appscode.com/v1beta1
                kind: Function
                metadata: {name: update-status}
                spec:
                  image: example/my-update-status:1
                  args: ["--session=${BACKUP_SESSION}"]
                """);
        publish(own);
        JobPlanned mine = assertSameAsPlain(request("pvc-2", "BackupConfiguration", "pvc-backup", 0)).get(0);
        assertEquals("example/my-update-status:1", mine.getPod().getContainer().getImage());
        own.keySet().forEach(key -> view.apply(key, null));
        JobPlanned again = assertSameAsPlain(request("pvc-3", "BackupConfiguration", "pvc-backup", 0)).get(0);
        assertEquals(builtin.getPod().getContainer().getImage(), again.getPod().getContainer().getImage());
    }

    @Test
    void republishingAnUnchangedDefinitionOnlyCostsAResolution() throws Exception {
        assertSameAsPlain(request("echo-1", "BackupConfiguration", "echo", 0));
        assertSameAsPlain(request("echo-2", "BackupConfiguration", "echo", 0));
        republishWith("Function//echo", "unchanged", "unchanged");
        assertSameAsPlain(request("echo-3", "BackupConfiguration", "echo", 0));
        assertSameAsPlain(request("echo-4", "BackupConfiguration", "echo", 0));
        // echo-1 defers the entry, echo-2 makes it, echo-3 makes it again (at once: the key recurs), echo-4 hits
        assertEquals(Map.of(PlanCache.Outcome.FIRST, 1L, PlanCache.Outcome.MISS, 2L, PlanCache.Outcome.HIT, 1L),
                cache.outcomes());
    }

    @Test
    void aDeletedInvokerFailsLikeThePlainPath() throws Exception {
        assertSameAsPlain(request("echo-1", "BackupConfiguration", "echo", 0));
        view.apply(RecordKeys.definition(CLUSTER, "BackupConfiguration", NS, "echo"), null);
        SessionRequested next = request("echo-2", "BackupConfiguration", "echo", 0);
        Exception plain = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> plainJobs(next));
        Exception cached = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> cachedJobs(next));
        assertEquals(plain.getClass(), cached.getClass());
        assertEquals(plain.getMessage(), cached.getMessage());
    }

    @Test
    void aFirstSessionsEntryIsMadeWhenTheThreadIsIdle() throws Exception {
        assertSameAsPlain(request("echo-1", "BackupConfiguration", "echo", 0));
        assertSameAsPlain(request("pvc-1", "BackupConfiguration", "pvc-backup", 0));
        assertEquals(2, cache.deferredEntries());
        // just after a lookup the thread is not idle
        assertEquals(0, cache.makeDeferredEntries(System.nanoTime()));
        long idle = System.nanoTime() + PlanCache.IDLE_NANOS;
        assertEquals(2, cache.makeDeferredEntries(idle));
        assertEquals(0, cache.deferredEntries());
        assertSameAsPlain(request("echo-2", "BackupConfiguration", "echo", 0));
        assertSameAsPlain(request("pvc-2", "BackupConfiguration", "pvc-backup", 0));
        assertEquals(Map.of(PlanCache.Outcome.FIRST, 2L, PlanCache.Outcome.HIT, 2L), cache.outcomes());
    }

    @Test
    void idleTimeMakesEntriesAtMostOncePerIdleInterval() throws Exception {
        assertSameAsPlain(request("echo-1", "BackupConfiguration", "echo", 0));
        long idle = System.nanoTime() + PlanCache.IDLE_NANOS;
        assertEquals(1, cache.makeDeferredEntries(idle));
        assertSameAsPlain(request("pvc-1", "BackupConfiguration", "pvc-backup", 0));
        long later = System.nanoTime() + PlanCache.IDLE_NANOS;
        assertEquals(0, cache.makeDeferredEntries(Math.min(later, idle + PlanCache.IDLE_NANOS - 1)));
        assertEquals(1, cache.makeDeferredEntries(Math.max(later, idle + PlanCache.IDLE_NANOS)));
    }

    @Test
    void aDeferredEntryWhoseInvokerIsGoneIsDroppedQuietly() throws Exception {
        assertSameAsPlain(request("echo-1", "BackupConfiguration", "echo", 0));
        view.apply(RecordKeys.definition(CLUSTER, "BackupConfiguration", NS, "echo"), null);
        assertEquals(0, cache.makeDeferredEntries(System.nanoTime() + PlanCache.IDLE_NANOS));
        assertEquals(0, cache.deferredEntries());
        SessionRequested next = request("echo-2", "BackupConfiguration", "echo", 0);
        Exception plain = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> plainJobs(next));
        Exception cached = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> cachedJobs(next));
        assertEquals(plain.getMessage(), cached.getMessage());
    }

    @Test
    void aCapacityOfZeroResolvesEverySession() throws Exception {
        cache = new PlanCache(view, RESOLVER, 0);
        for (int i = 0; i < 3; i++) {
            assertSameAsPlain(request("echo-" + i, "BackupConfiguration", "echo", 0));
        }
        assertEquals(Map.of(PlanCache.Outcome.PLAIN, 3L), cache.outcomes());
    }

    @Test
    void theLeastRecentlyUsedEntryMakesRoom() throws Exception {
        cache = new PlanCache(view, RESOLVER, 2);
        for (String invoker : List.of("echo", "echo", "pvc-backup", "pvc-backup", "echo", "hooked", "hooked", "echo",
                "pvc-backup", "pvc-backup")) {
            assertSameAsPlain(request(invoker + "-" + System.nanoTime(), "BackupConfiguration", invoker, 0));
        }
        // echo stays (used in between); pvc-backup's entry was dropped for hooked's and starts over (first, then
        // made again), which drops hooked's
        assertEquals(Map.of(PlanCache.Outcome.FIRST, 4L, PlanCache.Outcome.MISS, 4L, PlanCache.Outcome.HIT, 2L),
                cache.outcomes());
    }

    // ------------------------------------------------------------------------------------------------------------

    /**
     * Builds the session's jobs both ways, asserts equal bytes, and returns them: the events built from the cache's
     * plans and the records it encodes (from its encoded templates once it has them) are, encoded, the plain ones.
     */
    private List<JobPlanned> assertSameAsPlain(SessionRequested request) throws Exception {
        List<JobPlanned> plain = plainJobs(request);
        PlanCache.SessionPlans plans = cache.backupPlans(CLUSTER, request, IGNORE);
        List<JobPlanned> cached = jobs(request, plans);
        List<byte[]> encoded = records(request, plans);
        assertEquals(plain.size(), cached.size());
        assertEquals(plain.size(), encoded.size());
        for (int i = 0; i < plain.size(); i++) {
            byte[] expected = serde.serialize(JOBS, plain.get(i));
            assertArrayEquals(expected, serde.serialize(JOBS, cached.get(i)),
                    () -> "session " + request.getSessionName() + " of " + request.getInvoker().getName());
            assertArrayEquals(expected, encoded.get(i),
                    () -> "encoded record of session " + request.getSessionName() + " of "
                            + request.getInvoker().getName());
        }
        return cached;
    }

    private List<byte[]> records(SessionRequested request, PlanCache.SessionPlans plans) {
        InvokerFacts facts = facts(request);
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            PlanCache.EncodedPlan plan = plans.encoded(i, request, facts, AT, encoder);
            assertEquals(PlanBuilder.planId(PlanBuilder.sessionKey(request), i), plan.planId());
            records.add(plan.value());
        }
        return records;
    }

    private List<JobPlanned> plainJobs(SessionRequested request) throws Exception {
        StashResolver resolver = cache.resolver(CLUSTER);
        List<ResolvedPlan> plans = resolver.resolveBackupSession(SessionSynthesis.backupSession(request));
        InvokerFacts facts = facts(request);
        List<JobPlanned> jobs = new ArrayList<>();
        for (ResolvedPlan plan : plans) {
            jobs.add(PlanBuilder.build(request, facts, PlanBuilder.targetPlan(plan), AT));
        }
        return jobs;
    }

    private List<JobPlanned> cachedJobs(SessionRequested request) throws Exception {
        return jobs(request, cache.backupPlans(CLUSTER, request, IGNORE));
    }

    private List<JobPlanned> jobs(SessionRequested request, PlanCache.SessionPlans plans) {
        InvokerFacts facts = facts(request);
        List<JobPlanned> jobs = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            jobs.add(PlanBuilder.build(request, facts, plans.target(i), AT));
        }
        return jobs;
    }

    private InvokerFacts facts(SessionRequested request) {
        var lookup = view.lookup(CLUSTER);
        String name = request.getInvoker().getName();
        if (StashResolver.KIND_BACKUP_BATCH.equals(request.getInvoker().getKind())) {
            return InvokerFacts.of(lookup.backupBatch(NS, name).orElseThrow(), NS);
        }
        return InvokerFacts.of(lookup.backupConfiguration(NS, name).orElseThrow(), NS);
    }

    private static SessionRequested request(String name, String kind, String invoker, int retryLeft) {
        return PlannerFixtures.backupRequest(CLUSTER, name, kind, invoker, AT, retryLeft);
    }

    private void publish(Map<String, Definition> records) {
        records.forEach(view::apply);
    }

    /**
     * Publishes the definition whose key ends with {@code keySuffix} again, with {@code from} replaced by {@code to}
     * in its document.
     */
    private void republishWith(String keySuffix, String from, String to) {
        Map<String, Definition> all = new java.util.LinkedHashMap<>(PlannerFixtures.postgresWorld(CLUSTER));
        all.putAll(PlannerFixtures.definitions(CLUSTER, PlannerFixtures.resource("/planner/plan-cache-world.yaml")));
        String key = all.keySet().stream().filter(k -> k.endsWith("/" + keySuffix) || k.endsWith(keySuffix))
                .findFirst().orElseThrow(() -> new AssertionError("no definition " + keySuffix));
        Definition current = all.get(key);
        String json = current.getDocument();
        String changed = json.replace(from, to);
        assertTrue(from.equals(to) || !changed.equals(json), "the change applies to " + key);
        view.apply(key, Definition.newBuilder(current).setDocument(changed).build());
    }
}
