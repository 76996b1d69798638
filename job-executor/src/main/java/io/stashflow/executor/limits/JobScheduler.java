package io.stashflow.executor.limits;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides which waiting job may start: at most {@code perCluster} jobs run at once, at most {@code perRepository} per
 * repository and {@code perInvoker} per invoker, and pods are created no faster than the {@link TokenBucket} allows.
 * Pure and single-threaded; time comes in as nanoseconds.
 *
 * <p>Order: first come, first served among jobs that may run — a job held back by its repository or invoker limit
 * does not block the jobs behind it (no head-of-line blocking), but it keeps its place, so it is the first to start
 * once its limit frees up. A job put back after a failed launch waits until its retry time, at the front.
 *
 * <p>Limits of 0 or less mean unlimited.
 */
public final class JobScheduler {

    /** The limits. */
    public record Limits(int perCluster, int perRepository, int perInvoker, double podsPerSecond, int burst) {

        public static Limits unlimited() {
            return new Limits(0, 0, 0, 0, 1);
        }
    }

    /** A job as the scheduler sees it. */
    public record Job(String planId, String repository, String invoker) {
        public Job {
            Objects.requireNonNull(planId, "planId");
        }
    }

    /** A waiting job, its 1-based place in the queue and what holds it back. */
    public record Waiting(Job job, int position, String reason) {
    }

    private record Entry(Job job, long notBeforeNanos) {
    }

    private final Limits limits;
    private final TokenBucket bucket;
    private final LinkedHashMap<String, Entry> queue = new LinkedHashMap<>();
    private final Map<String, Job> running = new HashMap<>();
    private final Map<String, Integer> perRepository = new HashMap<>();
    private final Map<String, Integer> perInvoker = new HashMap<>();

    public JobScheduler(Limits limits) {
        this.limits = limits;
        this.bucket = new TokenBucket(limits.podsPerSecond(), limits.burst());
    }

    /** Adds a job at the end of the queue; false when it is already queued or running. */
    public boolean enqueue(Job job) {
        if (queue.containsKey(job.planId()) || running.containsKey(job.planId())) {
            return false;
        }
        queue.put(job.planId(), new Entry(job, Long.MIN_VALUE));
        return true;
    }

    /** The next job that may start now, which counts as running from here on; empty when none may. */
    public Optional<Job> next(long nowNanos) {
        if (limits.perCluster() > 0 && running.size() >= limits.perCluster()) {
            return Optional.empty();
        }
        for (Iterator<Entry> it = queue.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.notBeforeNanos() > nowNanos || blockedByLimit(e.job()) != null) {
                continue;
            }
            if (!bucket.tryTake(nowNanos)) {
                return Optional.empty();
            }
            it.remove();
            start(e.job());
            return Optional.of(e.job());
        }
        return Optional.empty();
    }

    /** Counts a job as running without a token: a run found at start-up, which needs no pod creation. */
    public void markRunning(Job job) {
        queue.remove(job.planId());
        if (!running.containsKey(job.planId())) {
            start(job);
        }
    }

    /** The job ended (or was never launched): its slots are free. Unknown jobs are ignored. */
    public void finished(String planId) {
        Job job = running.remove(planId);
        if (job != null) {
            decrement(perRepository, job.repository());
            decrement(perInvoker, job.invoker());
        }
        queue.remove(planId);
    }

    /** A launch failed and may work later: back to the front of the queue, not before {@code notBeforeNanos}. */
    public void retryLater(Job job, long notBeforeNanos) {
        finished(job.planId());
        LinkedHashMap<String, Entry> rest = new LinkedHashMap<>(queue);
        queue.clear();
        queue.put(job.planId(), new Entry(job, notBeforeNanos));
        queue.putAll(rest);
    }

    /** Drops a queued job (its partition was taken away); running jobs stay. */
    public void dropQueued(String planId) {
        queue.remove(planId);
    }

    public boolean isQueued(String planId) {
        return queue.containsKey(planId);
    }

    public boolean isRunning(String planId) {
        return running.containsKey(planId);
    }

    public int runningCount() {
        return running.size();
    }

    public int queuedCount() {
        return queue.size();
    }

    public int runningForRepository(String repository) {
        return perRepository.getOrDefault(repository, 0);
    }

    public int runningForInvoker(String invoker) {
        return perInvoker.getOrDefault(invoker, 0);
    }

    /** Nanoseconds until a job could start for lack of a token (0 when the rate is not what holds things back). */
    public long nanosUntilToken(long nowNanos) {
        return bucket.nanosUntilToken(nowNanos);
    }

    /** Every waiting job with its place and the reason it waits, in queue order. */
    public List<Waiting> waiting(long nowNanos) {
        List<Waiting> out = new ArrayList<>();
        int position = 1;
        boolean clusterFull = limits.perCluster() > 0 && running.size() >= limits.perCluster();
        for (Entry e : queue.values()) {
            String reason;
            if (e.notBeforeNanos() > nowNanos) {
                reason = "retrying after a failed launch";
            } else if (clusterFull) {
                reason = "cluster limit of " + limits.perCluster() + " running jobs reached";
            } else {
                String limit = blockedByLimit(e.job());
                reason = limit != null ? limit : "pod creation rate limit (" + limits.podsPerSecond() + "/s)";
            }
            out.add(new Waiting(e.job(), position++, reason));
        }
        return out;
    }

    private String blockedByLimit(Job job) {
        if (limits.perRepository() > 0 && job.repository() != null
                && perRepository.getOrDefault(job.repository(), 0) >= limits.perRepository()) {
            return "repository " + job.repository() + " has " + limits.perRepository() + " running jobs (its limit)";
        }
        if (limits.perInvoker() > 0 && job.invoker() != null
                && perInvoker.getOrDefault(job.invoker(), 0) >= limits.perInvoker()) {
            return "invoker " + job.invoker() + " has " + limits.perInvoker() + " running jobs (its limit)";
        }
        return null;
    }

    private void start(Job job) {
        running.put(job.planId(), job);
        if (job.repository() != null) {
            perRepository.merge(job.repository(), 1, Integer::sum);
        }
        if (job.invoker() != null) {
            perInvoker.merge(job.invoker(), 1, Integer::sum);
        }
    }

    private static void decrement(Map<String, Integer> counts, String key) {
        if (key != null) {
            counts.computeIfPresent(key, (k, v) -> v <= 1 ? null : v - 1);
        }
    }
}
