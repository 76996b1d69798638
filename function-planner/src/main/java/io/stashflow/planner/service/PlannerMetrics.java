package io.stashflow.planner.service;

import io.stashflow.planner.topology.PlannerListener;
import io.stashflow.service.metrics.ServiceMetrics;
import java.time.Duration;
import java.util.Map;

/**
 * The planner's own metrics on {@code /metrics} (prefix {@code stashflow_planner_}): what it received, planned,
 * rejected, skipped and retried, per cluster, the scheduler's ticks, the definitions source's work, and the
 * plan-latency histogram (a session's {@code requestedAt} to the moment its pod was planned).
 */
public final class PlannerMetrics implements PlannerListener {

    public static final String PREFIX = "stashflow_planner_";

    private final ServiceMetrics metrics;
    private final ServiceMetrics.CounterFamily requested;
    private final ServiceMetrics.CounterFamily duplicates;
    private final ServiceMetrics.CounterFamily ignored;
    private final ServiceMetrics.CounterFamily planned;
    private final ServiceMetrics.CounterFamily rejected;
    private final ServiceMetrics.CounterFamily skipped;
    private final ServiceMetrics.CounterFamily pending;
    private final ServiceMetrics.CounterFamily retries;
    private final ServiceMetrics.CounterFamily planCache;
    private final ServiceMetrics.CounterFamily ticks;
    private final ServiceMetrics.CounterFamily missedTicks;
    private final ServiceMetrics.CounterFamily invalidSchedules;
    private final ServiceMetrics.CounterFamily definitionsPublished;
    private final ServiceMetrics.CounterFamily definitionsDeleted;
    private final ServiceMetrics.CounterFamily definitionsRejected;
    private final LatencyHistogram latency;

    public PlannerMetrics(ServiceMetrics metrics) {
        this.metrics = metrics;
        this.requested = metrics.counter("sessions_requested_total", "Session requests received for served clusters");
        this.duplicates = metrics.counter("sessions_duplicate_total",
                "Requests for sessions already known (delivered twice, or two requests in one second)");
        this.ignored = metrics.counter("records_ignored_total", "Requests and statuses not acted on, by reason");
        this.planned = metrics.counter("plans_total", "Pods planned (JobPlanned events), one per session target");
        this.rejected = metrics.counter("plans_rejected_total", "Sessions that could not be resolved, by reason");
        this.skipped = metrics.counter("sessions_skipped_total",
                "Sessions skipped because their invoker is paused or another of its sessions is Running");
        this.pending = metrics.counter("sessions_pending_total", "Sessions that had to wait when they arrived");
        this.retries = metrics.counter("retries_total", "Retry sessions requested for failed sessions");
        this.planCache = metrics.counter("plan_cache_total", "Backup sessions whose plans came from the plan cache"
                + " (outcome hit) or were resolved (first, miss, not-reusable, plain)");
        this.ticks = metrics.counter("schedule_ticks_total", "Scheduled sessions requested by the scheduler");
        this.missedTicks = metrics.counter("schedule_ticks_missed_total",
                "Ticks not fired because they were missed while the planner was down or the invoker was paused");
        this.invalidSchedules = metrics.counter("schedules_invalid_total",
                "BackupConfigurations/BackupBatches whose schedule cannot be used");
        this.definitionsPublished = metrics.counter("definitions_published_total",
                "Definitions published from the definitions directory");
        this.definitionsDeleted = metrics.counter("definitions_deleted_total",
                "Definitions deleted (tombstoned) because their file or document is gone");
        this.definitionsRejected = metrics.counter("definitions_rejected_total",
                "Definition files or documents sent to the rejected topic");
        this.latency = new LatencyHistogram(PREFIX + "plan_latency_seconds",
                "Time from a session's requestedAt to its pod being planned", "cluster");
        metrics.collector(latency::families);
    }

    public ServiceMetrics registry() {
        return metrics;
    }

    public LatencyHistogram latency() {
        return latency;
    }

    @Override
    public void requested(String cluster) {
        requested.inc(Map.of("cluster", cluster));
    }

    @Override
    public void planCache(String cluster, String outcome) {
        planCache.inc(Map.of("cluster", cluster, "outcome", outcome));
    }

    @Override
    public void duplicate(String cluster) {
        duplicates.inc(Map.of("cluster", cluster));
    }

    @Override
    public void ignored(String cluster, String reason) {
        ignored.inc(Map.of("cluster", cluster == null ? "" : cluster, "reason", reason));
    }

    @Override
    public void planned(String cluster, Duration sinceRequested) {
        planned.inc(Map.of("cluster", cluster));
        latency.observe(cluster, sinceRequested);
    }

    @Override
    public void rejected(String cluster, String reason) {
        rejected.inc(Map.of("cluster", cluster, "reason", reason));
    }

    @Override
    public void skipped(String cluster) {
        skipped.inc(Map.of("cluster", cluster));
    }

    @Override
    public void pending(String cluster) {
        pending.inc(Map.of("cluster", cluster));
    }

    @Override
    public void retried(String cluster) {
        retries.inc(Map.of("cluster", cluster));
    }

    @Override
    public void scheduled(String cluster, long dropped) {
        ticks.inc(Map.of("cluster", cluster));
        if (dropped > 0) {
            missedTicks.inc(Map.of("cluster", cluster), dropped);
        }
    }

    @Override
    public void scheduleInvalid(String cluster) {
        invalidSchedules.inc(Map.of("cluster", cluster));
    }

    /** Counts what the definitions directory published in one pass. */
    public void definitionsSynced(int published, int deleted, int rejectedFiles) {
        if (published > 0) {
            definitionsPublished.inc(Map.of(), published);
        }
        if (deleted > 0) {
            definitionsDeleted.inc(Map.of(), deleted);
        }
        if (rejectedFiles > 0) {
            definitionsRejected.inc(Map.of(), rejectedFiles);
        }
    }
}
