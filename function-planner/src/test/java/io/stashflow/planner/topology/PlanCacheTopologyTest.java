package io.stashflow.planner.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.events.Definition;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.PlanRejected;
import io.stashflow.events.SessionRequested;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planner topology with the plan cache and without it, fed the same definitions, requests and definition
 * changes at the same (driver) times, writes the same records: keys, headers and value bytes.
 */
class PlanCacheTopologyTest {

    @TempDir
    Path cachedDir;
    @TempDir
    Path plainDir;

    private static final List<String[]> INVOKERS = List.of(
            new String[] {"BackupConfiguration", "pg-backup"},
            new String[] {"BackupConfiguration", "pvc-backup"},
            new String[] {"BackupConfiguration", "hooked"},
            new String[] {"BackupConfiguration", "echo"},
            new String[] {"BackupBatch", "batch-parallel"},
            new String[] {"BackupConfiguration", "interim"},
            new String[] {"BackupConfiguration", "cutter"});

    @Test
    void plansAreTheSameWithAndWithoutTheCache() {
        try (PlannerHarness cached = new PlannerHarness(cachedDir, Duration.ofSeconds(10));
             PlannerHarness plain = new PlannerHarness(plainDir, Duration.ofSeconds(10), 0)) {
            Map<String, Definition> world = new LinkedHashMap<>(PlannerFixtures.postgresWorld(PlannerHarness.CLUSTER));
            world.putAll(PlannerFixtures.definitions(PlannerHarness.CLUSTER,
                    PlannerFixtures.resource("/planner/plan-cache-world.yaml")));
            for (PlannerHarness planner : List.of(cached, plain)) {
                planner.publish(world);
            }
            int sessions = 0;
            for (int round = 0; round < 12; round++) {
                if (round == 6) {
                    // a changed Function half-way: the sessions after it get the new args with and without the cache
                    String key = "c1/Function//echo";
                    Definition echo = world.get(key);
                    Definition changed = Definition.newBuilder(echo)
                            .setDocument(echo.getDocument().replace("--out=", "--output=")).build();
                    for (PlannerHarness planner : List.of(cached, plain)) {
                        planner.publish(Map.of(key, changed));
                    }
                }
                for (String[] invoker : INVOKERS) {
                    // distinct names: the session runs would otherwise make the next session of the invoker wait
                    String name = invoker[1] + "-" + (1_700_000_000 + round);
                    SessionRequested request = PlannerFixtures.backupRequest(PlannerHarness.CLUSTER, name,
                            invoker[0], invoker[1], cached.now(), round % 2);
                    cached.request(request);
                    plain.request(request);
                    sessions++;
                }
                cached.advance(Duration.ofSeconds(3));
                plain.advance(Duration.ofSeconds(3));
            }
            // the bytes as written: from encoded templates with the cache, encoded from the event without it
            List<TestRecord<String, byte[]>> withCache = cached.rawPlanRecords();
            List<TestRecord<String, byte[]>> without = plain.rawPlanRecords();
            // every invoker has one target but the batch (two)
            assertEquals(sessions + sessions / INVOKERS.size(), without.size());
            assertEquals(without.size(), withCache.size());
            for (int i = 0; i < without.size(); i++) {
                TestRecord<String, byte[]> expected = without.get(i);
                TestRecord<String, byte[]> actual = withCache.get(i);
                assertEquals(expected.key(), actual.key());
                assertEquals(expected.headers(), actual.headers());
                assertArrayEquals(expected.value(), actual.value(), expected.key());
            }
            List<JobPlanned> decoded = withCache.stream()
                    .map(r -> cached.serdes.jobPlanned.deserialize(cached.topics.jobs(PlannerHarness.CLUSTER),
                            r.value()))
                    .toList();
            List<PlanRejected> rejections = new ArrayList<>(cached.rejections());
            assertEquals(plain.rejections(), rejections);
            assertTrue(rejections.isEmpty(), () -> rejections.toString());
            // per invoker and retryLeft (0, 1): 6 sessions, the first defers its entry, the second makes it; the five
            // reusable invokers hit the 4 others, but echo's two entries are made again after its Function changed
            assertEquals(5 * 2 * 4 - 2, cached.listener.count("planCache:hit"),
                    () -> cached.listener.counts.toString());
            assertEquals(7 * 2, cached.listener.count("planCache:first"), () -> cached.listener.counts.toString());
            assertEquals(0, plain.listener.count("planCache:hit"));
            assertTrue(decoded.stream().anyMatch(p -> p.getPod().getInitContainers().stream()
                    .anyMatch(c -> c.getArgs().contains("--output=/stash-tmp/output"))), "the change is planned");
        }
    }
}
