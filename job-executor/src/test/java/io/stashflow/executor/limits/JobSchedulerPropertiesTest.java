package io.stashflow.executor.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.executor.limits.JobScheduler.Job;
import io.stashflow.executor.limits.JobScheduler.Limits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The scheduler's promises, over random operation sequences. */
class JobSchedulerPropertiesTest {

    /** One operation: enqueue a new job, try to start one, finish a running one, or let time pass. */
    record Op(int kind, int repository, int invoker, int pick, long advanceMillis) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 1000),
                Arbitraries.longs().between(0, 500)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(200);
    }

    @Provide
    Arbitrary<Limits> limits() {
        return Combinators.combine(Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 3), Arbitraries.of(0.0, 2.0, 10.0), Arbitraries.integers().between(1, 4))
                .as(Limits::new);
    }

    @Property(tries = 300)
    void limitsAreNeverExceededAndEveryJobIsEitherQueuedOrRunning(@ForAll("ops") List<Op> ops,
                                                                   @ForAll("limits") Limits limits) {
        JobScheduler s = new JobScheduler(limits);
        long now = 0;
        int created = 0;
        List<String> running = new ArrayList<>();
        Set<String> queued = new LinkedHashSet<>();
        Map<String, Job> jobs = new HashMap<>();
        for (Op op : ops) {
            now += op.advanceMillis() * 1_000_000;
            switch (op.kind()) {
                case 0 -> {
                    Job job = new Job("p" + created++, "repo-" + op.repository(), "inv-" + op.invoker());
                    jobs.put(job.planId(), job);
                    assertTrue(s.enqueue(job));
                    queued.add(job.planId());
                }
                case 1 -> s.next(now).ifPresent(j -> {
                    assertTrue(queued.remove(j.planId()), "only queued jobs start");
                    running.add(j.planId());
                });
                case 2 -> {
                    if (!running.isEmpty()) {
                        s.finished(running.remove(op.pick() % running.size()));
                    }
                }
                default -> {
                    // time passes
                }
            }
            if (limits.perCluster() > 0) {
                assertTrue(s.runningCount() <= limits.perCluster());
            }
            Map<String, Integer> perRepo = new HashMap<>();
            Map<String, Integer> perInvoker = new HashMap<>();
            for (String id : running) {
                perRepo.merge(jobs.get(id).repository(), 1, Integer::sum);
                perInvoker.merge(jobs.get(id).invoker(), 1, Integer::sum);
            }
            if (limits.perRepository() > 0) {
                perRepo.values().forEach(n -> assertTrue(n <= limits.perRepository()));
            }
            if (limits.perInvoker() > 0) {
                perInvoker.values().forEach(n -> assertTrue(n <= limits.perInvoker()));
            }
            assertEquals(running.size(), s.runningCount());
            assertEquals(queued.size(), s.queuedCount());
            for (String id : running) {
                assertTrue(s.isRunning(id) && !s.isQueued(id));
            }
        }
    }

    @Property(tries = 200)
    void waitingPositionsFollowTheQueueOrder(@ForAll("ops") List<Op> ops, @ForAll("limits") Limits limits) {
        JobScheduler s = new JobScheduler(limits);
        List<String> order = new ArrayList<>();
        int created = 0;
        long now = 0;
        for (Op op : ops) {
            now += op.advanceMillis() * 1_000_000;
            if (op.kind() <= 1) {
                Job job = new Job("p" + created++, "repo-" + op.repository(), "inv-" + op.invoker());
                s.enqueue(job);
                order.add(job.planId());
            } else {
                s.next(now).ifPresent(j -> order.remove(j.planId()));
            }
        }
        List<JobScheduler.Waiting> waiting = s.waiting(now);
        assertEquals(order, waiting.stream().map(w -> w.job().planId()).toList());
        for (int i = 0; i < waiting.size(); i++) {
            assertEquals(i + 1, waiting.get(i).position());
            assertTrue(!waiting.get(i).reason().isEmpty());
        }
    }

    @Property(tries = 200)
    void everyJobRunsOnceTheOthersFinish(@ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 3) Integer> repos,
                                         @ForAll("limits") Limits limits) {
        JobScheduler s = new JobScheduler(limits);
        for (int i = 0; i < repos.size(); i++) {
            s.enqueue(new Job("p" + i, "repo-" + repos.get(i), "inv-" + (i % 3)));
        }
        Set<String> ran = new HashSet<>();
        long now = 0;
        for (int round = 0; round < 100_000 && ran.size() < repos.size(); round++) {
            now += 50_000_000; // 50 ms per round: tokens come back
            Optional<Job> next = s.next(now);
            if (next.isPresent()) {
                assertTrue(ran.add(next.get().planId()), "a job runs once");
                s.finished(next.get().planId());
            }
        }
        assertEquals(repos.size(), ran.size(), "no job starves");
    }

    @Property(tries = 200)
    void aJobHeldByItsRepositoryDoesNotBlockTheOnesBehindIt(@ForAll @IntRange(min = 1, max = 3) int perRepository) {
        JobScheduler s = new JobScheduler(new Limits(0, perRepository, 0, 0, 1));
        for (int i = 0; i < perRepository; i++) {
            s.enqueue(new Job("busy" + i, "repo-a", null));
            assertTrue(s.next(0).isPresent());
        }
        s.enqueue(new Job("held", "repo-a", null));
        s.enqueue(new Job("free", "repo-b", null));
        assertEquals("free", s.next(0).orElseThrow().planId());
        s.finished("busy0");
        assertEquals("held", s.next(0).orElseThrow().planId(), "the held job keeps its place");
    }

    @Property(tries = 300)
    void theTokenBucketNeverAllowsMoreThanBurstPlusRate(@ForAll @IntRange(min = 1, max = 50) int perSecond,
                                                       @ForAll @IntRange(min = 1, max = 20) int burst,
                                                       @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 200) Integer> gapsMillis) {
        TokenBucket bucket = new TokenBucket(perSecond, burst);
        long now = 0;
        int taken = 0;
        for (int gap : gapsMillis) {
            now += gap * 1_000_000L;
            if (bucket.tryTake(now)) {
                taken++;
            }
            double allowed = burst + perSecond * (now / 1e9);
            assertTrue(taken <= Math.floor(allowed) + 1e-9, "taken " + taken + " > allowed " + allowed);
        }
    }

    @Test
    void aRetriedJobWaitsAtTheFrontUntilItsTime() {
        JobScheduler s = new JobScheduler(new Limits(0, 0, 0, 0, 1));
        s.enqueue(new Job("a", null, null));
        s.enqueue(new Job("b", null, null));
        Job a = s.next(0).orElseThrow();
        s.retryLater(a, 1_000);
        assertEquals("b", s.next(500).orElseThrow().planId());
        assertEquals("retrying after a failed launch", s.waiting(500).get(0).reason());
        assertEquals("a", s.next(1_000).orElseThrow().planId());
    }

    @Test
    void theRateLimitIsAReason() {
        JobScheduler s = new JobScheduler(new Limits(0, 0, 0, 1, 1));
        s.enqueue(new Job("a", null, null));
        s.enqueue(new Job("b", null, null));
        assertTrue(s.next(0).isPresent());
        assertTrue(s.next(1).isEmpty());
        assertTrue(s.waiting(1).get(0).reason().contains("rate"));
        assertTrue(s.nanosUntilToken(1) > 0);
        assertTrue(s.next(1_000_000_001L).isPresent());
    }
}
