package io.stashflow.executor.simulated;

import io.stashflow.events.ContainerSpec;
import io.stashflow.events.JobPlanned;
import io.stashflow.executor.plan.PlanIdentity;
import io.stashflow.executor.plan.PlanStep;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <b>A simulation</b> of what a Kubernetes cluster is to the agent, in memory: a store of runs (the API server's pods,
 * named {@code namespace/pod name}, created or gotten atomically) and something that advances them (the kubelet).
 * Nothing is executed: each container "runs" for the time its {@link StepBehaviour} says and then terminates with the
 * exit code and termination message it says; containers run in order and a failing one ends the run, as in a pod.
 *
 * <p>Runs belong to the cluster, not to a runtime: a {@link SimulatedJobRuntime} that stops or "crashes" leaves them
 * running, and a new runtime over the same cluster observes them again, the way pods outlive an agent restart. Each
 * run carries the cluster id of its plan (the pod label the Kubernetes runtime selects by), so several runtimes may
 * share one simulated cluster, each seeing only its own runs.
 *
 * <p>Threads: none of its own. Containers are timed on the given scheduler, which many simulated clusters may share
 * ({@code stashflow bench fleet} runs 100 of them on two threads); watchers are called on those threads.
 */
public final class SimulatedCluster {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedCluster.class);

    /** Where a run is: still running, or ended with every container succeeded, or with one failed. */
    public enum RunPhase {
        RUNNING, SUCCEEDED, FAILED
    }

    /**
     * One container of a run at one moment.
     *
     * @param startedAt  when it started, null before
     * @param finishedAt when it terminated, null before
     * @param exitCode   its exit code once terminated
     * @param reason     {@code Completed} or {@code Error} once terminated
     * @param message    its termination message once terminated (may be null)
     */
    public record ContainerState(PlanStep step, Instant startedAt, Instant finishedAt, Integer exitCode, String reason,
                                 String message) {
        public boolean started() {
            return startedAt != null;
        }

        public boolean terminated() {
            return finishedAt != null;
        }
    }

    /**
     * A run as the cluster holds it at one moment (immutable).
     *
     * @param key        {@code namespace/name}
     * @param identity   the plan's identity (what the Kubernetes runtime keeps in the pod's annotation)
     * @param uid        a fresh id per run, like a pod uid
     * @param finishedAt when the run ended, null while it runs
     * @param reportedAt when the runtime said its outcomes are durable, null before (the pod's reported annotation)
     */
    public record RunSnapshot(String key, String name, PlanIdentity identity, String uid, Instant createdAt,
                              List<ContainerState> containers, RunPhase phase, Instant finishedAt, Instant reportedAt) {
        public String cluster() {
            return identity.cluster();
        }
    }

    /** What {@link #createOrGet} did: created a run, or found one of that name (perhaps for another plan). */
    public record CreateResult(RunSnapshot run, boolean created) {
    }

    /** A run was created: for whose plan, under which key, when. */
    public record Creation(PlanIdentity identity, String key, Instant at) {
    }

    /** Stops a watch. */
    public interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    private record Watcher(String cluster, Consumer<String> onChange) {
    }

    private final ScheduledExecutorService timers;
    private final StepBehaviour behaviour;
    private final Clock clock;
    private final ConcurrentHashMap<String, Run> runs = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Watcher> watchers = new CopyOnWriteArrayList<>();
    private final List<Creation> creations = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param timers    where containers are timed (and watchers called); shared by any number of clusters
     * @param behaviour what each container does
     */
    public SimulatedCluster(ScheduledExecutorService timers, StepBehaviour behaviour, Clock clock) {
        this.timers = Objects.requireNonNull(timers, "timers");
        this.behaviour = Objects.requireNonNull(behaviour, "behaviour");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The scheduler the cluster times its containers on (runtimes schedule their checks there too). */
    public ScheduledExecutorService timers() {
        return timers;
    }

    /**
     * Creates the run of a plan under its pod's namespace and name and starts its first container, or returns the run
     * that already has that name (whichever plan it belongs to), like a pod create answered with 409.
     *
     * @throws IllegalArgumentException when the plan has no pod to run
     */
    public CreateResult createOrGet(JobPlanned plan) {
        if (plan.getPod() == null || plan.getPod().getContainer() == null) {
            throw new IllegalArgumentException("plan " + plan.getPlanId() + " has no pod to run");
        }
        String key = plan.getPod().getNamespace() + "/" + plan.getPod().getName();
        Run existing = runs.get(key);
        if (existing != null) {
            return new CreateResult(existing.snapshot(), false);
        }
        List<PlanStep> steps = PlanStep.of(plan.getPod());
        List<ContainerSpec> containers = new ArrayList<>(plan.getPod().getInitContainers());
        containers.add(plan.getPod().getContainer());
        List<SimulatedStep> script = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            script.add(Objects.requireNonNull(behaviour.simulate(plan, containers.get(i), steps.get(i)),
                    "the step behaviour gave nothing for " + containers.get(i).getName()));
        }
        Run run = new Run(key, plan.getPod().getName(), PlanIdentity.of(plan, 1), UUID.randomUUID().toString(),
                clock.instant(), steps, script);
        Run raced = runs.putIfAbsent(key, run);
        if (raced != null) {
            return new CreateResult(raced.snapshot(), false);
        }
        creations.add(new Creation(run.identity, key, run.createdAt));
        schedule(run, () -> startContainer(run, 0), 0);
        return new CreateResult(run.snapshot(), true);
    }

    public Optional<RunSnapshot> get(String key) {
        Run run = runs.get(key);
        return run == null ? Optional.empty() : Optional.of(run.snapshot());
    }

    /** The runs of one cluster id. */
    public List<RunSnapshot> list(String cluster) {
        List<RunSnapshot> out = new ArrayList<>();
        for (Run run : runs.values()) {
            if (run.identity.cluster().equals(cluster)) {
                out.add(run.snapshot());
            }
        }
        return out;
    }

    /** Removes a run and stops it where it is (a pod deletion). Watchers hear of it; unknown keys are ignored. */
    public void delete(String key) {
        Run run = runs.remove(key);
        if (run == null) {
            return;
        }
        synchronized (run) {
            run.deleted = true;
            if (run.timer != null) {
                run.timer.cancel(false);
            }
        }
        // asynchronously, like an informer's delete event: the caller may hold its own locks
        try {
            timers.execute(() -> notifyWatchers(run));
        } catch (RejectedExecutionException e) {
            LOG.debug("simulated cluster stopped; deletion of {} not announced", key);
        }
    }

    /** Notes that the run's outcomes are durable (the Kubernetes runtime's reported annotation). */
    public void markReported(String key, Instant at) {
        Run run = runs.get(key);
        if (run != null) {
            synchronized (run) {
                if (run.reportedAt == null) {
                    run.reportedAt = at;
                }
            }
        }
    }

    /**
     * Calls {@code onChange} with a run's key whenever a run of that cluster id changes (a container starts or ends,
     * the run is deleted), on a timer thread. The callee reads the run's current state with {@link #get}.
     */
    public Watch watch(String cluster, Consumer<String> onChange) {
        Watcher watcher = new Watcher(cluster, onChange);
        watchers.add(watcher);
        return () -> watchers.remove(watcher);
    }

    /** Every run ever created, in creation order (the bench checks that no plan ran twice). */
    public List<Creation> creations() {
        synchronized (creations) {
            return List.copyOf(creations);
        }
    }

    /** Runs held now (running, or kept as history). */
    public int size() {
        return runs.size();
    }

    // ------------------------------------------------------------------------------------------------------------
    // the simulated kubelet

    private void startContainer(Run run, int index) {
        SimulatedStep step;
        synchronized (run) {
            if (run.deleted) {
                return;
            }
            run.startedAt[index] = clock.instant();
            step = run.script.get(index);
            run.timer = schedule(run, () -> finishContainer(run, index), step.runFor().toNanos());
        }
        notifyWatchers(run);
    }

    private void finishContainer(Run run, int index) {
        boolean next;
        synchronized (run) {
            if (run.deleted) {
                return;
            }
            Instant now = clock.instant();
            run.finishedAt[index] = now;
            SimulatedStep step = run.script.get(index);
            next = step.exitCode() == 0 && index + 1 < run.steps.size();
            if (!next) {
                run.phase = step.exitCode() == 0 ? RunPhase.SUCCEEDED : RunPhase.FAILED;
                run.ended = now;
                run.timer = null;
            }
        }
        notifyWatchers(run);
        if (next) {
            startContainer(run, index + 1);
        }
    }

    private ScheduledFuture<?> schedule(Run run, Runnable action, long delayNanos) {
        try {
            return timers.schedule(() -> {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.error("simulated run {} failed unexpectedly", run.key, e);
                }
            }, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("simulated cluster stopped; run {} stays where it is", run.key);
            return null;
        }
    }

    private void notifyWatchers(Run run) {
        for (Watcher watcher : watchers) {
            if (watcher.cluster.equals(run.identity.cluster())) {
                try {
                    watcher.onChange.accept(run.key);
                } catch (RuntimeException e) {
                    LOG.error("a watcher of the simulated cluster failed on {}", run.key, e);
                }
            }
        }
    }

    /** A run; mutable state guarded by its own monitor. */
    private static final class Run {
        final String key;
        final String name;
        final PlanIdentity identity;
        final String uid;
        final Instant createdAt;
        final List<PlanStep> steps;
        final List<SimulatedStep> script;
        final Instant[] startedAt;
        final Instant[] finishedAt;
        RunPhase phase = RunPhase.RUNNING;
        Instant ended;
        Instant reportedAt;
        boolean deleted;
        ScheduledFuture<?> timer;

        Run(String key, String name, PlanIdentity identity, String uid, Instant createdAt, List<PlanStep> steps,
            List<SimulatedStep> script) {
            this.key = key;
            this.name = name;
            this.identity = identity;
            this.uid = uid;
            this.createdAt = createdAt;
            this.steps = steps;
            this.script = List.copyOf(script);
            this.startedAt = new Instant[steps.size()];
            this.finishedAt = new Instant[steps.size()];
        }

        synchronized RunSnapshot snapshot() {
            List<ContainerState> containers = new ArrayList<>(steps.size());
            for (int i = 0; i < steps.size(); i++) {
                SimulatedStep s = script.get(i);
                boolean done = finishedAt[i] != null;
                containers.add(new ContainerState(steps.get(i), startedAt[i], finishedAt[i],
                        done ? s.exitCode() : null, done ? s.reason() : null, done ? s.terminationMessage() : null));
            }
            return new RunSnapshot(key, name, identity, uid, createdAt, List.copyOf(containers), phase, ended,
                    reportedAt);
        }
    }
}
