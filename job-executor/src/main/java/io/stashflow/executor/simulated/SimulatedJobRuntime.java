package io.stashflow.executor.simulated;

import io.stashflow.events.JobPlanned;
import io.stashflow.events.StepState;
import io.stashflow.executor.outcome.StepOutputParser;
import io.stashflow.executor.plan.PlanIdentity;
import io.stashflow.executor.plan.PlanStep;
import io.stashflow.executor.runtime.HistoryPolicy;
import io.stashflow.executor.runtime.JobRuntime;
import io.stashflow.executor.runtime.LaunchException;
import io.stashflow.executor.runtime.LaunchResult;
import io.stashflow.executor.runtime.RunEnded;
import io.stashflow.executor.runtime.RunInfo;
import io.stashflow.executor.runtime.RunListener;
import io.stashflow.executor.runtime.StepEvent;
import io.stashflow.executor.simulated.SimulatedCluster.ContainerState;
import io.stashflow.executor.simulated.SimulatedCluster.RunPhase;
import io.stashflow.executor.simulated.SimulatedCluster.RunSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <b>A simulated runtime</b>: the {@link JobRuntime} of one cluster id over a {@link SimulatedCluster}, where steps do
 * not execute but finish after the time their {@link StepBehaviour} says. It stands in for the Kubernetes runtime
 * where real pods are not the point ({@code stashflow bench fleet} runs 100 agents in one JVM on it) and keeps that
 * runtime's semantics, checked by the same runtime contract suite:
 * <ul>
 *   <li>one run per plan under the pod's namespace and name, created or adopted ({@link LaunchResult.Outcome}); a run
 *       of that name for another plan fails the launch, not retriable; an ended and reported run is
 *       {@code ALREADY_REPORTED};</li>
 *   <li>each container STARTED, then SUCCEEDED/FAILED with exit code, reason {@code Completed}/{@code Error}, its
 *       termination message and the output parsed from it, in order; every run ends with one {@link RunEnded};</li>
 *   <li>a passed deadline or {@link #cancel} fails the current container ({@code DeadlineExceeded},
 *       {@code Cancelled}) and deletes the run; a run deleted under it fails with {@code PodDeleted};</li>
 *   <li>runs outlive the runtime: {@link #start} resumes every unreported run of its cluster id, and a run that kept
 *       going meanwhile is reported as it went on (SUCCEEDED after a restart, as with pods);</li>
 *   <li>{@link #release} marks the run reported and keeps the invoker's last {@code backupHistoryLimit} reported runs.</li>
 * </ul>
 *
 * <p>Threads: none of its own. Changes arrive on the simulated cluster's timer threads and the periodic check (for
 * deadlines and missed changes) runs there too; one lock per runtime keeps its events one at a time and in order.
 */
public final class SimulatedJobRuntime implements JobRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedJobRuntime.class);

    private final SimulatedCluster cluster;
    private final String clusterId;
    private final Duration checkInterval;
    private final Clock clock;
    private final Object lock = new Object();
    /** planId → run; written under the lock, read anywhere. */
    private final Map<String, Tracked> byPlan = new ConcurrentHashMap<>();
    /** run key → run; under the lock. */
    private final Map<String, Tracked> byKey = new HashMap<>();
    private RunListener listener;
    private SimulatedCluster.Watch watch;
    private ScheduledFuture<?> checks;
    private boolean closed;

    /**
     * @param clusterId     the cluster id whose runs this runtime creates and observes
     * @param checkInterval how often every run is looked at without a change of its own (deadlines)
     */
    public SimulatedJobRuntime(SimulatedCluster cluster, String clusterId, Duration checkInterval, Clock clock) {
        this.cluster = cluster;
        this.clusterId = clusterId;
        this.checkInterval = checkInterval;
        this.clock = clock;
        if (checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("the check interval must be positive: " + checkInterval);
        }
    }

    @Override
    public String kind() {
        return "simulated";
    }

    @Override
    public void start(RunListener runListener) {
        synchronized (lock) {
            if (listener != null) {
                throw new IllegalStateException("the simulated runtime of cluster " + clusterId + " is already started");
            }
            listener = runListener;
            // watch first, then list: a change in between is seen twice rather than never
            watch = cluster.watch(clusterId, this::onChange);
            int resumed = 0;
            for (RunSnapshot run : cluster.list(clusterId)) {
                if (run.reportedAt() == null) {
                    evaluate(track(run), run);
                    resumed++;
                }
            }
            long every = checkInterval.toNanos();
            checks = cluster.timers().scheduleWithFixedDelay(this::checkAll, every, every, TimeUnit.NANOSECONDS);
            LOG.info("simulated runtime for cluster {} started: {} runs resumed", clusterId, resumed);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // launch

    @Override
    public LaunchResult launch(JobPlanned plan) throws LaunchException {
        synchronized (lock) {
            if (listener == null) {
                throw new IllegalStateException("start the simulated runtime before launching plans");
            }
            Tracked known = byPlan.get(plan.getPlanId());
            if (known != null) {
                return new LaunchResult(LaunchResult.Outcome.ADOPTED, known.name, known.uid);
            }
            if (plan.getSessionKey() == null || !clusterId.equals(plan.getSessionKey().getCluster())) {
                throw new LaunchException("plan " + plan.getPlanId() + " is for cluster "
                        + (plan.getSessionKey() == null ? "(none)" : plan.getSessionKey().getCluster())
                        + ", not " + clusterId + ", the cluster of this runtime", false, null);
            }
            SimulatedCluster.CreateResult result;
            try {
                result = cluster.createOrGet(plan);
            } catch (IllegalArgumentException e) {
                throw new LaunchException("plan " + plan.getPlanId() + " cannot become a simulated run: "
                        + e.getMessage(), false, e);
            }
            RunSnapshot run = result.run();
            LaunchResult.Outcome outcome = LaunchResult.Outcome.CREATED;
            if (!result.created()) {
                if (!run.identity().planId().equals(plan.getPlanId())) {
                    throw new LaunchException("simulated run " + run.key() + " already exists for plan "
                            + run.identity().planId() + ", not " + plan.getPlanId()
                            + "; delete that run or use another session name", false, null);
                }
                if (run.reportedAt() != null) {
                    return new LaunchResult(LaunchResult.Outcome.ALREADY_REPORTED, run.name(), run.uid());
                }
                outcome = LaunchResult.Outcome.ADOPTED;
            }
            Tracked tracked = byKey.get(run.key());
            if (tracked == null) {
                tracked = track(run);
                evaluate(tracked, run);
            }
            return new LaunchResult(outcome, run.name(), run.uid());
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // observation (under the lock)

    private Tracked track(RunSnapshot run) {
        Tracked tracked = new Tracked(run.identity(), run.key(), run.name(), run.uid(),
                run.containers().stream().map(ContainerState::step).toList());
        byKey.put(run.key(), tracked);
        byPlan.put(run.identity().planId(), tracked);
        return tracked;
    }

    private void onChange(String key) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            Optional<RunSnapshot> run = cluster.get(key);
            Tracked tracked = byKey.get(key);
            if (tracked == null) {
                // a run of ours this runtime did not create (another instance's, before a restart): observe it
                if (run.isEmpty() || run.get().reportedAt() != null || !run.get().cluster().equals(clusterId)) {
                    return;
                }
                tracked = track(run.get());
            }
            evaluate(tracked, run.orElse(null));
        }
    }

    private void checkAll() {
        try {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                for (Tracked tracked : List.copyOf(byPlan.values())) {
                    if (!tracked.ended) {
                        evaluate(tracked, cluster.get(tracked.key).orElse(null));
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.error("simulated runtime of cluster {}: the periodic check failed", clusterId, e);
        }
    }

    /** Reports what is new about a run; {@code run} is null when it no longer exists. */
    private void evaluate(Tracked tracked, RunSnapshot run) {
        if (tracked.ended) {
            return;
        }
        if (run == null || !run.uid().equals(tracked.uid)) {
            fail(tracked, null, "PodDeleted", "simulated run " + tracked.key + " was deleted before it finished");
            return;
        }
        for (ContainerState c : run.containers()) {
            if (c.started() && tracked.mark(c.step(), StepState.STARTED)) {
                emit(tracked, c.step(), StepState.STARTED, null, null, null, c.startedAt(), null);
            }
            if (!c.terminated()) {
                break;
            }
            StepState state = c.exitCode() == 0 ? StepState.SUCCEEDED : StepState.FAILED;
            if (tracked.mark(c.step(), state)) {
                emit(tracked, c.step(), state, c.exitCode(), c.reason(), c.message(), c.startedAt(), c.finishedAt());
            }
            if (state == StepState.FAILED) {
                end(tracked, false, c.reason());
                return;
            }
        }
        if (run.phase() == RunPhase.SUCCEEDED) {
            end(tracked, true, "Completed");
            return;
        }
        Instant deadline = tracked.identity.deadline();
        if (deadline != null && !clock.instant().isBefore(deadline)) {
            PlanStep current = tracked.currentStep();
            fail(tracked, run, "DeadlineExceeded", "the session deadline " + deadline + " passed while container "
                    + current.containerName() + " of simulated run " + tracked.key + " was "
                    + (startedAt(run, current) == null ? "waiting" : "running") + "; the run was deleted");
            cluster.delete(tracked.key);
        }
    }

    /** Fails the current container with a reason of the runtime's own and ends the run. */
    private void fail(Tracked tracked, RunSnapshot run, String reason, String message) {
        PlanStep step = tracked.currentStep();
        if (!tracked.hasTerminal(step)) {
            Instant started = run == null ? null : startedAt(run, step);
            if (started != null && tracked.mark(step, StepState.STARTED)) {
                emit(tracked, step, StepState.STARTED, null, null, null, started, null);
            }
            tracked.mark(step, StepState.FAILED);
            emit(tracked, step, StepState.FAILED, null, reason, message, started, clock.instant());
        }
        LOG.warn("simulated run {} failed: {}: {}", tracked.key, reason, message);
        end(tracked, false, reason);
    }

    private static Instant startedAt(RunSnapshot run, PlanStep step) {
        return run.containers().get(step.position()).startedAt();
    }

    private void emit(Tracked tracked, PlanStep step, StepState state, Integer exitCode, String reason,
                      String message, Instant startedAt, Instant finishedAt) {
        boolean terminal = state != StepState.STARTED;
        StepEvent event = new StepEvent(tracked.identity, tracked.name, tracked.uid, step, state, exitCode, reason,
                message, startedAt, finishedAt, terminal ? StepOutputParser.parse(message) : null);
        try {
            listener.onStep(event);
        } catch (RuntimeException e) {
            LOG.error("the listener failed on a step event of simulated run {}", tracked.key, e);
        }
    }

    private void end(Tracked tracked, boolean succeeded, String reason) {
        if (tracked.ended) {
            return;
        }
        tracked.ended = true;
        try {
            listener.onRunEnded(new RunEnded(tracked.identity, tracked.name, tracked.uid, succeeded, reason));
        } catch (RuntimeException e) {
            LOG.error("the listener failed on the end of simulated run {}", tracked.key, e);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // cancel, release, in flight

    @Override
    public void cancel(String planId, String message) {
        synchronized (lock) {
            Tracked tracked = byPlan.get(planId);
            if (tracked == null || tracked.ended) {
                return;
            }
            fail(tracked, cluster.get(tracked.key).orElse(null), "Cancelled",
                    message == null ? "the run was cancelled" : message);
            cluster.delete(tracked.key);
        }
    }

    @Override
    public void release(String planId) {
        synchronized (lock) {
            Tracked tracked = byPlan.get(planId);
            if (tracked == null) {
                return;
            }
            if (!tracked.ended) {
                LOG.warn("release of plan {} ignored: simulated run {} is still running", planId, tracked.key);
                return;
            }
            byPlan.remove(planId);
            byKey.remove(tracked.key, tracked);
            cluster.markReported(tracked.key, clock.instant());
            cleanHistory(tracked);
        }
    }

    /** Deletes the invoker's reported runs beyond its history limit, newest kept. */
    private void cleanHistory(Tracked released) {
        String invoker = released.identity.invokerKey();
        List<HistoryPolicy.FinishedRun> finished = new ArrayList<>();
        for (RunSnapshot run : cluster.list(clusterId)) {
            if (run.reportedAt() == null || !run.identity().invokerKey().equals(invoker)) {
                continue;
            }
            finished.add(new HistoryPolicy.FinishedRun(run.key(),
                    run.finishedAt() != null ? run.finishedAt() : run.reportedAt()));
        }
        for (String key : HistoryPolicy.toDelete(finished, released.identity.historyLimit())) {
            cluster.delete(key);
        }
    }

    @Override
    public List<RunInfo> inFlight() {
        return byPlan.values().stream().map(t -> new RunInfo(t.identity, t.name, t.uid, t.ended)).toList();
    }

    /** Stops observing; the runs carry on in the simulated cluster, as pods do without their agent. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (watch != null) {
                watch.close();
            }
            if (checks != null) {
                checks.cancel(false);
            }
        }
    }

    /** One run the runtime observes; touched under the lock only (ended and identity are read by inFlight). */
    private static final class Tracked {
        final PlanIdentity identity;
        final String key;
        final String name;
        final String uid;
        final List<PlanStep> steps;
        final Map<String, Set<StepState>> reported = new HashMap<>();
        volatile boolean ended;

        Tracked(PlanIdentity identity, String key, String name, String uid, List<PlanStep> steps) {
            this.identity = identity;
            this.key = key;
            this.name = name;
            this.uid = uid;
            this.steps = steps;
        }

        boolean mark(PlanStep step, StepState state) {
            return reported.computeIfAbsent(step.containerName(), k -> EnumSet.noneOf(StepState.class)).add(state);
        }

        boolean hasTerminal(PlanStep step) {
            Set<StepState> states = reported.get(step.containerName());
            return states != null && (states.contains(StepState.SUCCEEDED) || states.contains(StepState.FAILED));
        }

        PlanStep currentStep() {
            for (PlanStep step : steps) {
                Set<StepState> states = reported.get(step.containerName());
                if (states == null || !states.contains(StepState.SUCCEEDED)) {
                    return step;
                }
            }
            return steps.get(steps.size() - 1);
        }
    }
}
