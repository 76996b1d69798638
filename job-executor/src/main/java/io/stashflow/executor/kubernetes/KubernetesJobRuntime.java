package io.stashflow.executor.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stashflow.api.plan.StepAnnotation;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.StepState;
import io.stashflow.executor.kubernetes.PodView.ContainerView;
import io.stashflow.executor.kubernetes.PodView.PodFailure;
import io.stashflow.executor.outcome.StepOutputParser;
import io.stashflow.executor.mirror.StashKinds;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs each plan as one pod and observes every pod of the agent through one shared informer.
 *
 * <p>Threads: {@link #launch} runs on the caller's thread (it only talks to the API server); everything else about a
 * pod — judging its status, reporting, deleting, cleaning up — happens on one event thread, so per-pod state needs no
 * locks. The informer only hands pods over to that thread.
 *
 * <p>Only API calls the fabric8 mock server answers like a real one are used: create, get, delete, JSON merge patch,
 * equality label selectors and a shared informer.
 */
public final class KubernetesJobRuntime implements JobRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesJobRuntime.class);
    private static final String BY_INVOKER = "byInvoker";

    private final KubernetesClient client;
    private final KubernetesRuntimeSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService events;
    /** planId → run; readable from any thread, mutated only on the event thread (and registered by launch). */
    private final Map<String, TrackedPod> byPlan = new ConcurrentHashMap<>();
    private final Map<String, TrackedPod> byPod = new ConcurrentHashMap<>();
    private final AtomicInteger informersStarted = new AtomicInteger();
    private volatile SharedIndexInformer<Pod> informer;
    private volatile RunListener listener;

    public KubernetesJobRuntime(KubernetesClient client, KubernetesRuntimeSettings settings, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.clock = clock;
        this.events = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "k8s-runtime-events-" + settings.cluster());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String kind() {
        return "kubernetes";
    }

    /** How many informers this runtime started: one, whatever the number of pods. */
    public int informerCount() {
        return informersStarted.get();
    }

    @Override
    public synchronized void start(RunListener runListener) {
        if (informer != null) {
            throw new IllegalStateException("the Kubernetes runtime of cluster " + settings.cluster() + " is already started");
        }
        this.listener = runListener;
        Map<String, String> selector = PodFactory.selector(settings.cluster());
        // the API server may be slow or still starting: keep trying for a while before giving up
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        SharedIndexInformer<Pod> inf;
        while (true) {
            inf = newInformer(selector);
            try {
                inf.start().toCompletableFuture().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                break;
            } catch (InterruptedException e) {
                inf.stop();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while listing the agent's pods", e);
            } catch (ExecutionException | TimeoutException e) {
                inf.stop();
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                if (System.nanoTime() + TimeUnit.SECONDS.toNanos(2) >= deadline) {
                    throw new IllegalStateException("could not list the pods of cluster " + settings.cluster()
                            + " (selector " + selector + "); check the API server address and that the agent may list"
                            + " and watch pods", cause);
                }
                LOG.warn("listing the pods of cluster {} failed ({}); trying again", settings.cluster(),
                        cause.getMessage());
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while listing the agent's pods", ie);
                }
            }
        }
        informer = inf;
        informersStarted.incrementAndGet();
        // crash recovery: every pod of ours that is not reported yet is a run we resume observing
        int resumed = 0;
        for (Pod pod : inf.getStore().list()) {
            if (trackFromPod(pod) != null) {
                resumed++;
            }
        }
        LOG.info("Kubernetes runtime for cluster {} watching {} with selector {}: {} pods, {} runs resumed",
                settings.cluster(), settings.namespace() == null ? "all namespaces" : "namespace " + settings.namespace(),
                selector, inf.getStore().list().size(), resumed);
        long every = settings.checkInterval().toMillis();
        events.scheduleWithFixedDelay(() -> safely(this::checkAll), every, every, TimeUnit.MILLISECONDS);
    }

    private SharedIndexInformer<Pod> newInformer(Map<String, String> selector) {
        SharedIndexInformer<Pod> inf = settings.namespace() == null
                ? client.pods().inAnyNamespace().withLabels(selector).runnableInformer(settings.informerResync().toMillis())
                : client.pods().inNamespace(settings.namespace()).withLabels(selector)
                        .runnableInformer(settings.informerResync().toMillis());
        inf.addIndexers(Map.of(BY_INVOKER, pod -> List.of(invokerKey(pod))));
        inf.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                events.execute(() -> safely(() -> onPod(pod)));
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
                events.execute(() -> safely(() -> onPod(newPod)));
            }

            @Override
            public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                events.execute(() -> safely(() -> onPodDeleted(pod)));
            }
        });
        return inf;
    }

    // ------------------------------------------------------------------------------------------------------------
    // launch

    @Override
    public LaunchResult launch(JobPlanned plan) throws LaunchException {
        PlanIdentity identity = PlanIdentity.of(plan, 1);
        String ns = plan.getPod().getNamespace();
        String name = plan.getPod().getName();
        TrackedPod known = byPlan.get(plan.getPlanId());
        if (known != null) {
            return new LaunchResult(LaunchResult.Outcome.ADOPTED, name, known.uid);
        }
        Pod desired;
        try {
            desired = PodFactory.build(plan, identity, clock.instant(), ref -> ownerUid(ns, ref));
        } catch (RuntimeException e) {
            throw new LaunchException("plan " + plan.getPlanId() + " cannot become a pod: " + e.getMessage(), false, e);
        }
        if (plan.getInterimVolumeClaimJson() != null) {
            createInterimClaim(plan, desired);
        }
        Pod pod;
        LaunchResult.Outcome outcome;
        try {
            pod = client.pods().inNamespace(ns).resource(desired).create();
            outcome = LaunchResult.Outcome.CREATED;
            LOG.info("created pod {}/{} for plan {}", ns, name, plan.getPlanId());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw launchFailure("create pod " + ns + "/" + name + " for plan " + plan.getPlanId(), e);
            }
            pod = getPod(ns, name);
            if (pod == null) {
                // deleted between our create and get: try once more, then let the caller retry
                try {
                    pod = client.pods().inNamespace(ns).resource(desired).create();
                    outcome = LaunchResult.Outcome.CREATED;
                } catch (KubernetesClientException again) {
                    throw launchFailure("create pod " + ns + "/" + name + " for plan " + plan.getPlanId(), again);
                }
            } else {
                PlanIdentity existing = identityOf(pod).orElse(null);
                if (existing == null || !existing.planId().equals(plan.getPlanId())) {
                    throw new LaunchException("pod " + ns + "/" + name + " already exists but was not created for plan "
                            + plan.getPlanId() + (existing == null ? " (it has no " + PodLabels.PLAN_ANNOTATION
                            + " annotation)" : " (it belongs to plan " + existing.planId() + ")")
                            + "; delete that pod or use another session name", false, e);
                }
                TrackedPod previous = byPod.get(ns + "/" + name);
                if (isReported(pod) || (previous != null && previous.released)) {
                    LOG.info("plan {} already ran in pod {}/{} and was reported; nothing to do", plan.getPlanId(), ns, name);
                    return new LaunchResult(LaunchResult.Outcome.ALREADY_REPORTED, name, pod.getMetadata().getUid());
                }
                outcome = LaunchResult.Outcome.ADOPTED;
                LOG.info("adopted existing pod {}/{} for plan {}", ns, name, plan.getPlanId());
            }
        }
        TrackedPod tracked = trackFromPod(pod);
        String uid = tracked == null ? pod.getMetadata().getUid() : tracked.uid;
        return new LaunchResult(outcome, name, uid);
    }

    private void createInterimClaim(JobPlanned plan, Pod pod) throws LaunchException {
        PersistentVolumeClaim claim;
        try {
            claim = client.getKubernetesSerialization().unmarshal(plan.getInterimVolumeClaimJson(),
                    PersistentVolumeClaim.class);
        } catch (RuntimeException e) {
            throw new LaunchException("plan " + plan.getPlanId() + " has an interimVolumeClaimJson that is not a"
                    + " PersistentVolumeClaim: " + e.getMessage(), false, e);
        }
        String ns = pod.getMetadata().getNamespace();
        if (claim.getMetadata() == null) {
            claim.setMetadata(new ObjectMeta());
        }
        claim.getMetadata().setNamespace(ns);
        // owned like the pod, so it goes with the session
        claim.getMetadata().setOwnerReferences(new ArrayList<>(pod.getMetadata().getOwnerReferences()));
        try {
            client.persistentVolumeClaims().inNamespace(ns).resource(claim).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw launchFailure("create interim PersistentVolumeClaim " + ns + "/" + claim.getMetadata().getName(), e);
            }
        }
    }

    private Optional<String> ownerUid(String namespace, OwnerReference ref) {
        Optional<StashKinds.Kind> kind = StashKinds.byApiVersionAndKind(ref.getApiVersion(), ref.getKind());
        if (kind.isEmpty()) {
            LOG.info("owner {} {} is not a kind the agent knows; pod gets no owner reference to it", ref.getApiVersion(),
                    ref.getKind());
            return Optional.empty();
        }
        ResourceDefinitionContext context = kind.get().context();
        try {
            GenericKubernetesResource owner = client.genericKubernetesResources(context).inNamespace(namespace)
                    .withName(ref.getName()).get();
            if (owner == null) {
                LOG.info("{} {}/{} does not exist in the cluster; pod gets no owner reference", ref.getKind(), namespace,
                        ref.getName());
                return Optional.empty();
            }
            return Optional.ofNullable(owner.getMetadata().getUid());
        } catch (KubernetesClientException e) {
            LOG.info("cannot read {} {}/{} ({}); pod gets no owner reference", ref.getKind(), namespace, ref.getName(),
                    e.getCode() == 404 ? "its CRD is not installed" : e.getMessage());
            return Optional.empty();
        }
    }

    private static LaunchException launchFailure(String what, KubernetesClientException e) {
        int code = e.getCode();
        // 0 = no HTTP answer (connection refused, timeout); 429 and 5xx are the server's temporary trouble
        boolean retriable = code == 0 || code == 429 || code >= 500 || code == 409;
        String hint = switch (code) {
            case 403 -> "; the agent's service account needs create/get/list/watch/patch/delete on pods";
            case 404 -> "; does the namespace exist?";
            case 422 -> "; the API server rejected the pod as invalid";
            default -> "";
        };
        return new LaunchException("could not " + what + ": HTTP " + code + " " + e.getMessage() + hint, retriable, e);
    }

    private Pod getPod(String ns, String name) {
        return client.pods().inNamespace(ns).withName(name).get();
    }

    // ------------------------------------------------------------------------------------------------------------
    // observation (event thread)

    private TrackedPod trackFromPod(Pod pod) {
        String key = key(pod);
        TrackedPod existing = byPod.get(key);
        if (existing != null) {
            if (existing.uid == null) {
                existing.uid = pod.getMetadata().getUid();
            }
            return existing;
        }
        if (isReported(pod)) {
            return null;
        }
        Optional<PlanIdentity> identity = identityOf(pod);
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String stepsText = annotations == null ? null : annotations.get(StepAnnotation.KEY);
        if (identity.isEmpty() || stepsText == null) {
            LOG.warn("pod {} carries the agent's labels but no {} or {} annotation; it is not observed", key,
                    PodLabels.PLAN_ANNOTATION, StepAnnotation.KEY);
            return null;
        }
        List<PlanStep> steps;
        try {
            steps = PlanStep.of(StepAnnotation.read(stepsText));
        } catch (RuntimeException e) {
            LOG.warn("pod {} has an unreadable {} annotation ({}); it is not observed", key, StepAnnotation.KEY,
                    e.getMessage());
            return null;
        }
        TrackedPod tracked = new TrackedPod(identity.get(), steps, pod.getMetadata().getNamespace(),
                pod.getMetadata().getName(), pod.getMetadata().getUid(), clock.instant());
        TrackedPod raced = byPod.putIfAbsent(key, tracked);
        if (raced != null) {
            return raced;
        }
        byPlan.put(tracked.identity.planId(), tracked);
        events.execute(() -> safely(() -> {
            Pod current = informer == null ? null : informer.getStore().getByKey(key);
            if (current != null) {
                evaluate(tracked, current);
            }
        }));
        return tracked;
    }

    private void onPod(Pod pod) {
        TrackedPod tracked = trackFromPod(pod);
        if (tracked != null && !tracked.ended && !tracked.released) {
            evaluate(tracked, pod);
        }
    }

    private void onPodDeleted(Pod pod) {
        TrackedPod tracked = byPod.get(key(pod));
        if (tracked != null && tracked.released) {
            byPod.remove(key(pod), tracked);
            return;
        }
        if (tracked == null || tracked.ended) {
            return;
        }
        Pod deleted = new io.fabric8.kubernetes.api.model.PodBuilder(pod).editMetadata()
                .withDeletionTimestamp(pod.getMetadata().getDeletionTimestamp() != null
                        ? pod.getMetadata().getDeletionTimestamp() : clock.instant().toString())
                .endMetadata().build();
        evaluate(tracked, deleted);
        if (!tracked.ended) {
            // every step had succeeded as far as we saw, yet the pod is gone before it said so: still an end
            reportFailure(tracked, new PodFailure(tracked.currentStep(), "PodDeleted", "pod " + key(pod)
                    + " was deleted before it finished", false), null);
        }
    }

    private void checkAll() {
        Instant now = clock.instant();
        for (TrackedPod tracked : List.copyOf(byPlan.values())) {
            if (tracked.ended || tracked.released) {
                continue;
            }
            Pod pod = informer.getStore().getByKey(tracked.key());
            if (pod != null) {
                tracked.lastSeen = now;
                evaluate(tracked, pod);
            } else if (Duration.between(tracked.lastSeen, now).compareTo(settings.missingGrace()) >= 0) {
                Pod fresh;
                try {
                    fresh = getPod(tracked.namespace, tracked.name);
                } catch (KubernetesClientException e) {
                    LOG.warn("cannot check whether pod {} still exists: {}", tracked.key(), e.getMessage());
                    tracked.lastSeen = now; // unknown: look again after the grace period
                    continue;
                }
                if (fresh == null) {
                    reportFailure(tracked, new PodFailure(tracked.currentStep(), "PodDeleted", "pod " + tracked.key()
                            + " no longer exists", false), null);
                } else {
                    evaluate(tracked, fresh);
                }
            }
        }
    }

    private void evaluate(TrackedPod tracked, Pod pod) {
        if (tracked.ended) {
            return;
        }
        if (pod.getMetadata() != null && pod.getMetadata().getUid() != null) {
            tracked.uid = pod.getMetadata().getUid();
        }
        tracked.lastSeen = clock.instant();
        PodView view = PodStatusInterpreter.interpret(tracked.steps, pod, clock.instant(),
                tracked.identity.deadline(), settings.thresholds(), tracked.timer);
        tracked.lastView = view;
        withMdc(tracked, () -> {
            for (ContainerView c : view.containers()) {
                if (view.failure() != null && c.step().equals(view.failure().step())) {
                    break; // the pod-level failure (Evicted, ...) speaks for this step, not its exit code
                }
                reportContainer(tracked, c);
                if (c.phase() == PodView.Phase.FAILED) {
                    break;
                }
            }
            if (view.failure() != null) {
                reportFailure(tracked, view.failure(), view.containers().get(view.failure().step().position()));
            } else if (view.succeeded()) {
                end(tracked, true, "Completed");
            } else if (view.failedContainer() != null) {
                end(tracked, false, view.failedContainer().reason());
            }
        });
    }

    private void reportContainer(TrackedPod tracked, ContainerView c) {
        if (c.started() && tracked.markReported(c.step(), StepState.STARTED)) {
            emit(tracked, c.step(), StepState.STARTED, null, null, null, c.startedAt(), null, null);
        }
        if (c.terminated()) {
            StepState state = c.phase() == PodView.Phase.SUCCEEDED ? StepState.SUCCEEDED : StepState.FAILED;
            if (tracked.markReported(c.step(), state)) {
                emit(tracked, c.step(), state, c.exitCode(), c.reason(), c.message(), c.startedAt(), c.finishedAt(),
                        c.message());
            }
        }
    }

    private void reportFailure(TrackedPod tracked, PodFailure failure, ContainerView view) {
        if (tracked.ended) {
            return;
        }
        PlanStep step = failure.step() == null ? tracked.steps.get(tracked.steps.size() - 1) : failure.step();
        if (!tracked.hasTerminal(step)) {
            if (view != null && view.started() && tracked.markReported(step, StepState.STARTED)) {
                emit(tracked, step, StepState.STARTED, null, null, null, view.startedAt(), null, null);
            }
            tracked.markReported(step, StepState.FAILED);
            emit(tracked, step, StepState.FAILED, view == null ? null : view.exitCode(), failure.reason(),
                    failure.message(), view == null ? null : view.startedAt(),
                    view != null && view.finishedAt() != null ? view.finishedAt() : clock.instant(),
                    view == null ? null : view.message());
        }
        LOG.warn("pod {} failed: {}: {}", tracked.key(), failure.reason(), failure.message());
        if (failure.deletePod()) {
            deletePod(tracked);
        }
        end(tracked, false, failure.reason());
    }

    private void emit(TrackedPod tracked, PlanStep step, StepState state, Integer exitCode, String reason,
                      String message, Instant startedAt, Instant finishedAt, String output) {
        StepEvent event = new StepEvent(tracked.identity, tracked.name, tracked.uid, step, state, exitCode, reason,
                message, startedAt, finishedAt, StepOutputParser.parse(output));
        try {
            listener.onStep(event);
        } catch (RuntimeException e) {
            LOG.error("the listener failed on a step event of pod {}", tracked.key(), e);
        }
    }

    private void end(TrackedPod tracked, boolean succeeded, String reason) {
        if (tracked.ended) {
            return;
        }
        tracked.ended = true;
        tracked.finishedAt = clock.instant();
        LOG.info("pod {} for plan {} ended: {}", tracked.key(), tracked.identity.planId(),
                succeeded ? "succeeded" : "failed (" + reason + ")");
        try {
            listener.onRunEnded(new RunEnded(tracked.identity, tracked.name, tracked.uid, succeeded, reason));
        } catch (RuntimeException e) {
            LOG.error("the listener failed on the end of pod {}", tracked.key(), e);
        }
    }

    private void deletePod(TrackedPod tracked) {
        try {
            client.pods().inNamespace(tracked.namespace).withName(tracked.name).delete();
            LOG.info("deleted pod {}", tracked.key());
        } catch (KubernetesClientException e) {
            LOG.warn("could not delete pod {}: {}", tracked.key(), e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // cancel, release, in flight

    @Override
    public void cancel(String planId, String message) {
        events.execute(() -> safely(() -> {
            TrackedPod tracked = byPlan.get(planId);
            if (tracked == null || tracked.ended) {
                return;
            }
            PlanStep step = tracked.currentStep();
            ContainerView view = tracked.lastView == null ? null : tracked.lastView.containers().get(step.position());
            withMdc(tracked, () -> reportFailure(tracked, new PodFailure(step, "Cancelled",
                    message == null ? "the run was cancelled" : message, true), view));
        }));
    }

    @Override
    public void release(String planId) {
        events.execute(() -> safely(() -> {
            TrackedPod tracked = byPlan.get(planId);
            if (tracked == null) {
                return;
            }
            if (!tracked.ended) {
                LOG.warn("release of plan {} ignored: its pod {} is still running", planId, tracked.key());
                return;
            }
            byPlan.remove(planId);
            // kept in byPod while the pod exists, so late informer events about it are recognised as history
            tracked.released = true;
            markReported(tracked);
            cleanHistory(tracked);
        }));
    }

    private void markReported(TrackedPod tracked) {
        String patch = "{\"metadata\":{\"annotations\":{\"" + PodLabels.REPORTED_ANNOTATION + "\":\""
                + tracked.finishedAt + "\"}}}";
        try {
            client.pods().inNamespace(tracked.namespace).withName(tracked.name)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                LOG.warn("could not mark pod {} as reported: {}", tracked.key(), e.getMessage());
            }
        }
    }

    private void cleanHistory(TrackedPod released) {
        String invokerKey = released.namespace + "/" + PodLabels.value(released.identity.invokerKind()) + "/"
                + PodLabels.value(released.identity.invokerName());
        List<HistoryPolicy.FinishedRun> finished = new ArrayList<>();
        Map<String, Pod> byName = new HashMap<>();
        for (Pod pod : informer.getIndexer().byIndex(BY_INVOKER, invokerKey)) {
            TrackedPod tracked = byPod.get(key(pod));
            boolean history = tracked == null ? isReported(pod) : tracked.released;
            if (!history) {
                continue;
            }
            Instant at = tracked != null ? tracked.finishedAt : reportedAt(pod);
            finished.add(new HistoryPolicy.FinishedRun(pod.getMetadata().getName(), at));
            byName.put(pod.getMetadata().getName(), pod);
        }
        for (String name : HistoryPolicy.toDelete(finished, released.identity.historyLimit())) {
            try {
                client.pods().inNamespace(released.namespace).withName(name).delete();
                LOG.info("deleted finished pod {}/{} (history limit {} of {} {})", released.namespace, name,
                        released.identity.historyLimit(), released.identity.invokerKind(), released.identity.invokerName());
            } catch (KubernetesClientException e) {
                LOG.warn("could not delete finished pod {}/{}: {}", released.namespace, name, e.getMessage());
            }
        }
    }

    @Override
    public List<RunInfo> inFlight() {
        return byPlan.values().stream()
                .map(t -> new RunInfo(t.identity, t.name, t.uid, t.ended))
                .toList();
    }

    @Override
    public void close() {
        SharedIndexInformer<Pod> inf = informer;
        if (inf != null) {
            inf.stop();
        }
        events.shutdownNow();
        try {
            events.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // helpers

    private static Optional<PlanIdentity> identityOf(Pod pod) {
        Map<String, String> annotations = pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
        String json = annotations == null ? null : annotations.get(PodLabels.PLAN_ANNOTATION);
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(PlanIdentity.fromJson(json));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean isReported(Pod pod) {
        Map<String, String> annotations = pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
        return annotations != null && annotations.containsKey(PodLabels.REPORTED_ANNOTATION);
    }

    private static Instant reportedAt(Pod pod) {
        String text = pod.getMetadata().getAnnotations().get(PodLabels.REPORTED_ANNOTATION);
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            return PodStatusInterpreter.parseTime(pod.getMetadata().getCreationTimestamp());
        }
    }

    private static String invokerKey(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return pod.getMetadata().getNamespace() + "/" + labels.getOrDefault(PodLabels.INVOKER_KIND, "") + "/"
                + labels.getOrDefault(PodLabels.INVOKER_NAME, "");
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    private static void withMdc(TrackedPod tracked, Runnable action) {
        MDC.put("cluster", tracked.identity.cluster());
        MDC.put("session", tracked.identity.namespace() + "/" + tracked.identity.sessionName());
        MDC.put("pod", tracked.name);
        try {
            action.run();
        } finally {
            MDC.remove("cluster");
            MDC.remove("session");
            MDC.remove("pod");
        }
    }

    private static void safely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("Kubernetes runtime: unexpected failure while handling a pod", e);
        }
    }

    /** One pod the runtime observes. Mutable fields are touched on the event thread only. */
    private static final class TrackedPod {
        final PlanIdentity identity;
        final List<PlanStep> steps;
        final String namespace;
        final String name;
        final StuckTimer timer = new StuckTimer();
        final Map<String, Set<StepState>> reported = new HashMap<>();
        volatile String uid;
        volatile boolean ended;
        /** The outcomes are durable; the pod, while it exists, is history. */
        volatile boolean released;
        Instant finishedAt;
        Instant lastSeen;
        PodView lastView;

        TrackedPod(PlanIdentity identity, List<PlanStep> steps, String namespace, String name, String uid, Instant now) {
            this.identity = identity;
            this.steps = steps;
            this.namespace = namespace;
            this.name = name;
            this.uid = uid;
            this.lastSeen = now;
        }

        String key() {
            return namespace + "/" + name;
        }

        boolean markReported(PlanStep step, StepState state) {
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
