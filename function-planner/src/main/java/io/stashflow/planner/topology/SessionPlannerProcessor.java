package io.stashflow.planner.topology;

import io.stashflow.api.model.BackupBatch;
import io.stashflow.api.model.BackupConfiguration;
import io.stashflow.api.model.RestoreSession;
import io.stashflow.api.plan.PodPlanMappingException;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.events.InvokerRef;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.PlanRejected;
import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionRequested;
import io.stashflow.planner.definitions.DefinitionsView;
import io.stashflow.planner.definitions.UnreadableDefinitionException;
import io.stashflow.planner.lifecycle.ConcurrencyRules;
import io.stashflow.planner.lifecycle.GoDuration;
import io.stashflow.planner.lifecycle.InvokerView;
import io.stashflow.planner.lifecycle.RetryRule;
import io.stashflow.planner.lifecycle.SessionNames;
import io.stashflow.planner.lifecycle.SessionPhases;
import io.stashflow.planner.lifecycle.SessionType;
import io.stashflow.planner.lifecycle.Stage;
import io.stashflow.planner.lifecycle.TargetKey;
import io.stashflow.planner.lifecycle.TargetSlot;
import io.stashflow.planner.lifecycle.TrackedSession;
import io.stashflow.planner.resolver.DefinitionLookup;
import io.stashflow.planner.resolver.ResolutionException;
import io.stashflow.planner.resolver.ResolvedPlan;
import io.stashflow.planner.resolver.StashResolver;
import io.stashflow.service.logging.LogContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planner's decisions for the sessions its task owns: those whose requests Kafka puts in the task's partition of
 * {@code stash.sessions} (keyed {@code cluster/namespace/name}, so every request of a session comes here).
 *
 * <p>Per session request: drop it if the session is already known (one plan per session key, however often the
 * request is delivered); otherwise apply Stash's lifecycle rules ({@link ConcurrencyRules}), and plan the released
 * targets: resolve the session with {@link StashResolver} over the definitions of its cluster and emit one
 * {@code JobPlanned} per target, or a {@code PlanRejected} naming the resource, field and variable at fault. Skipped
 * sessions get a {@code PlanRejected} with {@code skipped = true}. Sessions that must wait stay in the store and are
 * looked at again when a status or fact changes something in their namespace and on a wall-clock punctuator.
 *
 * <p>The rules compare a session with the other sessions of its namespace, which other tasks may own. They read
 * them from two views every task of the instance shares, both fed by global stores and complete before the first
 * record is processed: {@link StatusView} (what {@code stash.session-status} says: the skip rule's Running sessions,
 * and the reported sessions of a target) and {@link FactsView} (the sessions tasks hold for a target several
 * invokers back up, which each task publishes to the facts topic; nothing is published for other targets).
 *
 * <p>Per status of a session it owns (handed over by the status view): remember the session's phase and its targets'
 * phases, and when a backup session has failed with retries left, fix when its retry is due; the punctuator issues
 * due retries as new {@code SessionRequested} records.
 *
 * <p>Everything the processor decides is in its store ({@link TrackedSession} per session key) and is written in the
 * same exactly-once transaction as the events it emits. The in-memory indexes are rebuilt from the store whenever
 * the task is (re)initialised, and the task then takes the current status of each session it holds again.
 */
final class SessionPlannerProcessor implements Processor<String, SessionRequested, String, PlannerOutput> {

    private static final Logger LOG = LoggerFactory.getLogger(SessionPlannerProcessor.class);
    private static final String STASH_GROUP = "stash.appscode.com";
    /** Invokers whose facts are kept (all are dropped when there are more: a new view makes them stale anyway). */
    private static final int MAX_CACHED_INVOKERS = 10_000;

    private final PlannerTopology.Settings settings;
    private final DefinitionsView view;
    private final StatusView statusView;
    private final FactsView factsView;
    private final PlannerListener listener;
    private StatusView.Subscription statuses;
    /** The view's statuses when the task started, to take before anything else. */
    private Collection<StatusDigest> resync;
    /** Keys of the facts this task published since it started, so that it withdraws each when it is over. */
    private final java.util.Set<String> publishedFacts = new java.util.HashSet<>();

    private ProcessorContext<String, PlannerOutput> context;
    private KeyValueStore<String, TrackedSession> store;
    private final java.util.function.Supplier<PlanCache> planCaches;
    private PlanCache planCache;
    private final PlanEncoder planEncoder;
    private final SessionIndex index = new SessionIndex();
    /** The keys the store may hold: most requests are new sessions, which then need no store lookup. */
    private KnownKeys knownKeys;
    private long nextPurgeMillis;

    /**
     * @param planCaches the plan cache of the calling stream thread (shared by the thread's tasks; asked when the
     *                   task first plans, on its thread)
     */
    SessionPlannerProcessor(PlannerTopology.Settings settings, DefinitionsView view, StatusView statusView,
                            FactsView factsView, java.util.function.Supplier<PlanCache> planCaches,
                            PlannerListener listener, PlanEncoder planEncoder) {
        this.settings = settings;
        this.view = view;
        this.statusView = statusView;
        this.factsView = factsView;
        this.listener = listener;
        this.planEncoder = planEncoder;
        this.planCaches = planCaches;
    }

    @Override
    public void init(ProcessorContext<String, PlannerOutput> context) {
        this.context = context;
        this.store = context.getStateStore(PlannerTopology.SESSIONS_STORE);
        knownKeys = KnownKeys.sizedFor((int) Math.min(store.approximateNumEntries(), Integer.MAX_VALUE));
        statuses = statusView.subscribe();
        try (KeyValueIterator<String, TrackedSession> all = store.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                index(entry.key, entry.value);
                knownKeys.add(entry.key);
                if (entry.value.incomplete() && factsView.has(entry.key)) {
                    publishedFacts.add(entry.key);
                }
            }
        }
        // the statuses of the sessions it holds, again: what it took before a crash may not have been committed
        resync = statuses.current();
        nextPurgeMillis = context.currentSystemTimeMs() + settings.purgeInterval().toMillis();
        context.schedule(settings.recheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void process(Record<String, SessionRequested> record) {
        SessionRequested request = record.value();
        if (request == null) {
            return;
        }
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        if (planCache == null) {
            planCache = planCaches.get();
        }
        takeStatuses(now);
        onRequest(request, now);
    }

    @Override
    public void close() {
        if (statuses != null) {
            statuses.close();
        }
    }

    /**
     * Applies the statuses the view handed over since the last look, then looks again at the waiting sessions of
     * every namespace where a status or fact changed.
     */
    private void takeStatuses(Instant now) {
        if (resync != null) {
            Collection<StatusDigest> current = resync;
            resync = null;
            for (StatusDigest status : current) {
                takeStatus(status, now);
            }
        }
        StatusDigest status;
        while ((status = statuses.nextStatus()) != null) {
            takeStatus(status, now);
        }
        for (String namespaceKey : statuses.drainChangedNamespaces()) {
            int slash = namespaceKey.indexOf('/');
            recheckNamespace(namespaceKey.substring(0, slash), namespaceKey.substring(slash + 1), now);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // requests

    @SuppressWarnings("try") // LogContext only sets the MDC for the block
    private void onRequest(SessionRequested request, Instant now) {
        String cluster = request.getCluster();
        String namespace = request.getNamespace();
        String name = request.getSessionName();
        try (LogContext ignored = LogContext.session(cluster, namespace, name)) {
            listener.requested(cluster);
            String key = RecordKeys.of(cluster, namespace, name);
            TrackedSession existing = knownKeys.mayContain(key) ? store.get(key) : null;
            if (existing != null) {
                listener.duplicate(cluster);
                LOG.debug("session already known (stage {}); the repeated request is ignored", existing.stage());
                return;
            }
            SessionType type = request.getKind() == SessionKind.RESTORE ? SessionType.RESTORE : SessionType.BACKUP;
            TrackedSession tracked = TrackedSession.requested(name, type, request.getInvoker().getKind(),
                    request.getInvoker().getName(), request.getRequestedAt(), request.getRetryLeft(),
                    request.getRetryOf(), request.getLabels());
            Optional<String> invalid = invalidRequest(request);
            if (invalid.isPresent()) {
                emitRejection(cluster, namespace, tracked, null, invalid.get(), "SessionRequested", namespace, name,
                        "invoker.kind", null, "INVALID_INPUT", now);
                save(cluster, namespace, tracked.withStage(Stage.REJECTED));
                return;
            }
            TrackedSession evaluated;
            try {
                evaluated = evaluate(cluster, namespace, tracked, now);
            } catch (SerializationException e) {
                // a plan that cannot be encoded (the schema registry is unreachable): not the session's fault
                throw e;
            } catch (RuntimeException e) {
                evaluated = failedUnexpectedly(cluster, namespace, tracked, e, now);
            }
            if (evaluated.stage() == Stage.PENDING) {
                listener.pending(cluster);
                LOG.info("session is pending: {}", evaluated.waitingFor());
            }
            save(key, cluster, namespace, evaluated);
        }
    }

    private static Optional<String> invalidRequest(SessionRequested request) {
        String kind = request.getInvoker().getKind();
        if (request.getKind() == SessionKind.RESTORE && !StashResolver.KIND_RESTORE_SESSION.equals(kind)) {
            return Optional.of("SessionRequested " + request.getNamespace() + "/" + request.getSessionName()
                    + " asks for a restore with invoker kind '" + kind + "'; a restore's invoker is its"
                    + " RestoreSession (invoker.kind RestoreSession)");
        }
        if (request.getKind() == SessionKind.BACKUP && !StashResolver.KIND_BACKUP_CONFIGURATION.equals(kind)
                && !StashResolver.KIND_BACKUP_BATCH.equals(kind)) {
            return Optional.of("SessionRequested " + request.getNamespace() + "/" + request.getSessionName()
                    + " asks for a backup with invoker kind '" + kind + "'; use BackupConfiguration or BackupBatch");
        }
        if (request.getInvoker().getName().isEmpty()) {
            return Optional.of("SessionRequested " + request.getNamespace() + "/" + request.getSessionName()
                    + " has an empty invoker.name; name the " + kind);
        }
        return Optional.empty();
    }

    /** Applies the rules to a session that has targets to plan, emits what they decide, returns its new state. */
    private TrackedSession evaluate(String cluster, String namespace, TrackedSession session, Instant now) {
        if (session.type() == SessionType.RESTORE) {
            return evaluateRestore(cluster, namespace, session, now);
        }
        CachedInvoker invoker;
        try {
            invoker = backupInvoker(cluster, namespace, session);
        } catch (UnreadableDefinitionException e) {
            return reject(cluster, namespace, session, null, e, now);
        }
        InvokerFacts facts = invoker.facts();
        if (facts == null) {
            if (withinGrace(session, now)) {
                return session.withWaitingFor("waiting for " + session.invokerKind() + " " + namespace + "/"
                        + session.invokerName() + " to be published in stash.definitions");
            }
            // past the grace period the resolver explains what is missing and how to fix it
            return release(cluster, namespace, session, null, List.of(0), now);
        }
        if (facts.targets().isEmpty()) {
            // a BackupBatch without members: the resolver says what is wrong with it
            return release(cluster, namespace, session, facts, List.of(0), now);
        }
        TrackedSession withTargets = session;
        if (session.targets().isEmpty()) {
            List<TargetSlot> slots = new ArrayList<>();
            for (int i = 0; i < facts.targets().size(); i++) {
                slots.add(TargetSlot.waiting(i, facts.targets().get(i).key()));
            }
            withTargets = session.withTargets(slots);
        }
        InvokerView invokerView = invoker.view();
        ConcurrencyRules.Decision decision = ConcurrencyRules.decide(withTargets,
                relevantTo(cluster, namespace, withTargets, invokerView), invokerView, now);
        if (decision.skipped()) {
            emitSkip(cluster, namespace, withTargets, facts, decision, now);
            return withTargets.withStage(Stage.SKIPPED).withWaitingFor(null);
        }
        if (decision.release().isEmpty()) {
            return withTargets.withWaitingFor(decision.waitReason());
        }
        TrackedSession released = release(cluster, namespace, withTargets, facts, decision.release(), now);
        if (released.stage() == Stage.REJECTED || plannedCount(released) == plannedCount(withTargets)) {
            // rejected, or still waiting for a definition: keep the reason release() gave
            return released;
        }
        return released.withWaitingFor(decision.waitReason());
    }

    /**
     * The sessions the rules compare {@code candidate} with: the other sessions of its invoker that are Running, and
     * the incomplete sessions of the targets its invoker shares with other invokers. This task's own sessions come
     * from its index, the others from what {@code stash.session-status} says ({@link StatusView}) and what other
     * tasks published ({@link FactsView}); a session known several ways is taken as this task or the publishing
     * task holds it, with its newest status.
     */
    private Collection<TrackedSession> relevantTo(String cluster, String namespace, TrackedSession candidate,
                                                  InvokerView invoker) {
        Collection<TrackedSession> own = index.relevantTo(cluster, namespace, candidate, invoker);
        Collection<StatusDigest> running = statusView.running(cluster, namespace, candidate.invokerKind(),
                candidate.invokerName());
        if (running.isEmpty() && invoker.sharedTargets().isEmpty()) {
            return own;
        }
        Map<String, TrackedSession> relevant = new LinkedHashMap<>();
        for (TrackedSession session : own) {
            relevant.put(session.name(), session);
        }
        for (StatusDigest status : running) {
            relevant.merge(status.name(), observed(status), (held, reported) -> withStatus(held, status));
        }
        for (TargetKey target : invoker.sharedTargets()) {
            for (StatusDigest status : statusView.incomplete(cluster, namespace, target)) {
                relevant.merge(status.name(), observed(status), (held, reported) -> withStatus(held, status));
            }
            for (TrackedSession fact : factsView.incomplete(cluster, namespace, target)) {
                if (relevant.containsKey(fact.name())) {
                    continue;
                }
                StatusDigest status = statusView.latest(cluster, namespace, fact.name());
                TrackedSession current = status == null ? fact : withStatus(fact, status);
                if (current.incomplete()) {
                    relevant.put(fact.name(), current);
                }
            }
        }
        relevant.remove(candidate.name());
        return relevant.values();
    }

    /** A session this task knows only from its status, as the rules see it. */
    private static TrackedSession observed(StatusDigest status) {
        List<TargetSlot> slots = new ArrayList<>();
        int i = 0;
        for (StatusDigest.TargetPhase t : status.targets()) {
            slots.add(new TargetSlot(i++, new TargetKey(t.kind(), t.namespace(), t.name()), false, t.phase()));
        }
        return TrackedSession.observed(status.name(), status.type(), status.invokerKind(), status.invokerName(), slots)
                .withReport(status.phase(), Instant.ofEpochMilli(status.updatedAtMillis()));
    }

    /** {@code session} with {@code status} when that is newer than what it has (for a decision, not stored). */
    private static TrackedSession withStatus(TrackedSession session, StatusDigest status) {
        if (session.ended() || session.reportedAtMillis() != null
                && status.updatedAtMillis() < session.reportedAtMillis()) {
            return session;
        }
        return session.withReport(status.phase(), Instant.ofEpochMilli(status.updatedAtMillis()))
                .withTargetPhases(status.targetPhases());
    }

    private TrackedSession evaluateRestore(String cluster, String namespace, TrackedSession session, Instant now) {
        DefinitionLookup lookup = view.lookup(cluster);
        Optional<RestoreSession> definition;
        try {
            definition = lookup.restoreSession(namespace, session.invokerName());
        } catch (UnreadableDefinitionException e) {
            return reject(cluster, namespace, session, null, e, now);
        }
        if (definition.isEmpty()) {
            if (withinGrace(session, now)) {
                return session.withWaitingFor("waiting for RestoreSession " + namespace + "/" + session.invokerName()
                        + " to be published in stash.definitions");
            }
            return rejectWith(cluster, namespace, session, null, "RestoreSession " + namespace + "/"
                    + session.invokerName() + " is not among the definitions of cluster " + cluster + ": publish it"
                    + " (a definitions directory or the cluster agent) or fix invoker.name of the request",
                    "RestoreSession", namespace, session.invokerName(), null, null, "MISSING_DEFINITION", now);
        }
        InvokerFacts facts = InvokerFacts.of(definition.get(), namespace);
        TrackedSession withTarget = session.targets().isEmpty()
                ? session.withTargets(List.of(TargetSlot.waiting(0, facts.targets().get(0).key()))) : session;
        SessionRequested request = requestOf(cluster, namespace, withTarget);
        Optional<InvokerFacts.DurationProblem> badDuration = facts.durationProblem();
        if (badDuration.isPresent()) {
            return rejectWith(cluster, namespace, withTarget, 0, badDuration.get().message(), facts.kind(), namespace,
                    facts.name(), badDuration.get().field(), null, "INVALID_INPUT", now);
        }
        try {
            ResolvedPlan plan = planCache.resolver(cluster).resolveRestoreSession(
                    SessionSynthesis.restoreSession(request, definition.get()));
            JobPlanned job = PlanBuilder.build(request, facts, plan, now);
            emitPlan(cluster, namespace, withTarget, new PlanCache.EncodedPlan(job.getPlanId(),
                    job.getPod().getName(), planEncoder.encode(job)), 0, 1, now);
            return withTarget.withPlanned(List.of(0)).withWaitingFor(null);
        } catch (ResolutionException e) {
            return resolutionFailed(cluster, namespace, withTarget, 0, e, now);
        } catch (UnreadableDefinitionException e) {
            return reject(cluster, namespace, withTarget, 0, e, now);
        } catch (PodPlanMappingException e) {
            return rejectWith(cluster, namespace, withTarget, 0, e.getMessage(), "RestoreSession", namespace,
                    session.invokerName(), String.join(", ", e.fields()), null, "UNSUPPORTED", now);
        }
    }

    /**
     * Resolves the session and emits the plans of {@code indexes}; on failure emits a rejection (or keeps waiting
     * while a missing definition may still arrive).
     */
    private TrackedSession release(String cluster, String namespace, TrackedSession session, InvokerFacts facts,
                                   List<Integer> indexes, Instant now) {
        SessionRequested request = requestOf(cluster, namespace, session);
        Integer failedIndex = session.anyPlanned() ? indexes.get(0) : null;
        List<PlanCache.EncodedPlan> jobs = new ArrayList<>();
        Optional<InvokerFacts.DurationProblem> badDuration = facts == null ? Optional.empty() : facts.durationProblem();
        if (badDuration.isPresent()) {
            return rejectWith(cluster, namespace, session, failedIndex, badDuration.get().message(), facts.kind(),
                    namespace, facts.name(), badDuration.get().field(), null, "INVALID_INPUT", now);
        }
        try {
            PlanCache.SessionPlans plans = planCache.backupPlans(cluster, request,
                    outcome -> listener.planCache(cluster, outcome.label()));
            if (facts == null) {
                // the invoker appeared between the lookup and the resolution: decide again on the next pass
                return session.withWaitingFor("waiting for " + session.invokerKind() + " " + namespace + "/"
                        + session.invokerName() + " to be published in stash.definitions");
            }
            for (int index : indexes) {
                if (!plans.has(index) || plans.size() != facts.targets().size()) {
                    return session.withWaitingFor(facts.kind() + " " + namespace + "/" + facts.name()
                            + " changed while the session was being planned; planning again");
                }
                jobs.add(plans.encoded(index, request, facts, now, planEncoder));
            }
        } catch (ResolutionException e) {
            return resolutionFailed(cluster, namespace, session, failedIndex, e, now);
        } catch (UnreadableDefinitionException e) {
            return reject(cluster, namespace, session, failedIndex, e, now);
        } catch (PodPlanMappingException e) {
            return rejectWith(cluster, namespace, session, failedIndex, e.getMessage(), session.invokerKind(),
                    namespace, session.invokerName(), String.join(", ", e.fields()), null, "UNSUPPORTED", now);
        }
        for (int i = 0; i < jobs.size(); i++) {
            emitPlan(cluster, namespace, session, jobs.get(i), indexes.get(i), facts.targets().size(), now);
        }
        return session.withPlanned(indexes);
    }

    /**
     * A failure nobody foresaw (a bug in the planner, the resolver or the mapping): the session is rejected with the
     * error, so it ends Failed instead of stopping the stream thread on the same record again and again.
     */
    private TrackedSession failedUnexpectedly(String cluster, String namespace, TrackedSession session,
                                              RuntimeException e, Instant now) {
        LOG.error("planning the session failed unexpectedly; it is rejected", e);
        return rejectWith(cluster, namespace, session, null, "the planner failed on this session (" + e
                        + "); this is a Stashflow bug, please report it with the planner's log", null, null, null,
                null, null, "PLANNER_ERROR", now);
    }

    private TrackedSession resolutionFailed(String cluster, String namespace, TrackedSession session, Integer index,
                                            ResolutionException e, Instant now) {
        if (e.reason() == ResolutionException.Reason.MISSING_DEFINITION && withinGrace(session, now)) {
            return session.withWaitingFor("waiting for a definition to be published: " + e.getMessage());
        }
        String[] resource = splitName(e.resourceName());
        return rejectWith(cluster, namespace, session, index, e.getMessage(), e.resourceKind(), resource[0],
                resource[1], e.fieldPath(), e.variable(), e.reason().name(), now);
    }

    private TrackedSession reject(String cluster, String namespace, TrackedSession session, Integer index,
                                  UnreadableDefinitionException e, Instant now) {
        return rejectWith(cluster, namespace, session, index, "a definition the session needs cannot be read: "
                        + e.getMessage() + "; fix it where it comes from and publish it again", e.kind(),
                e.namespace().isEmpty() ? null : e.namespace(), e.name(), null, null, "UNREADABLE_DEFINITION", now);
    }

    private TrackedSession rejectWith(String cluster, String namespace, TrackedSession session, Integer index,
                                      String reason, String resourceKind, String resourceNamespace,
                                      String resourceName, String fieldPath, String variable, String code,
                                      Instant now) {
        emitRejection(cluster, namespace, session, index, reason, resourceKind, resourceNamespace, resourceName,
                fieldPath, variable, code, now);
        return session.withStage(Stage.REJECTED).withWaitingFor(null);
    }

    private static long plannedCount(TrackedSession session) {
        long planned = 0;
        for (TargetSlot slot : session.targets()) {
            if (slot.planned()) {
                planned++;
            }
        }
        return planned;
    }

    private boolean withinGrace(TrackedSession session, Instant now) {
        Instant requestedAt = session.requestedAt();
        return requestedAt != null && Duration.between(requestedAt, now).compareTo(settings.definitionsGrace()) < 0;
    }

    /**
     * The facts of a backup invoker and the rules' view of it, as last derived; kept while the definitions view has
     * not changed (it changes when any definition is published), since every session of an invoker needs them.
     */
    private record CachedInvoker(long version, InvokerFacts facts, InvokerView view) {
    }

    private record InvokerKey(String cluster, String namespace, String kind, String name) {
        // written out: a record's generated equals and hashCode go through method handles, and this key is
        // looked up for every session
        @Override
        public int hashCode() {
            return ((cluster.hashCode() * 31 + namespace.hashCode()) * 31 + java.util.Objects.hashCode(kind)) * 31
                    + java.util.Objects.hashCode(name);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof InvokerKey k && cluster.equals(k.cluster) && namespace.equals(k.namespace)
                    && java.util.Objects.equals(kind, k.kind) && java.util.Objects.equals(name, k.name);
        }
    }

    private final Map<InvokerKey, CachedInvoker> invokers = new HashMap<>();

    /** The facts (null when the invoker is not published) and the rules' view of a backup session's invoker. */
    private CachedInvoker backupInvoker(String cluster, String namespace, TrackedSession session) {
        long version = view.version();
        InvokerKey key = new InvokerKey(cluster, namespace, session.invokerKind(), session.invokerName());
        CachedInvoker cached = invokers.get(key);
        if (cached != null && cached.version() == version) {
            return cached;
        }
        InvokerFacts facts = readBackupInvoker(cluster, namespace, session);
        if (invokers.size() >= MAX_CACHED_INVOKERS) {
            invokers.clear();
        }
        cached = new CachedInvoker(version, facts, facts == null ? null
                : facts.view(target -> view.invokerCountBackingUp(cluster, target)));
        invokers.put(key, cached);
        return cached;
    }

    private InvokerFacts readBackupInvoker(String cluster, String namespace, TrackedSession session) {
        DefinitionLookup lookup = view.lookup(cluster);
        if (StashResolver.KIND_BACKUP_BATCH.equals(session.invokerKind())) {
            Optional<BackupBatch> batch = lookup.backupBatch(namespace, session.invokerName());
            return batch.map(b -> InvokerFacts.of(b, namespace)).orElse(null);
        }
        Optional<BackupConfiguration> config = lookup.backupConfiguration(namespace, session.invokerName());
        return config.map(c -> InvokerFacts.of(c, namespace)).orElse(null);
    }

    /**
     * The request a tracked session stands for (for the resolver and for the events). Made with the constructors:
     * Avro's builders check and copy every field, and this runs for every session.
     */
    private static SessionRequested requestOf(String cluster, String namespace, TrackedSession session) {
        return new SessionRequested(cluster, namespace, session.name(),
                session.type() == SessionType.RESTORE ? SessionKind.RESTORE : SessionKind.BACKUP,
                new InvokerRef(STASH_GROUP, session.invokerKind(), session.invokerName()), session.retryLeft(),
                session.requestedAt(), "planner", new LinkedHashMap<>(session.labels()), session.retryOf());
    }

    // ------------------------------------------------------------------------------------------------------------
    // statuses

    /** A status handed to every task: this one acts on it when it holds the session. */
    private void takeStatus(StatusDigest status, Instant now) {
        String key = RecordKeys.of(status.cluster(), status.namespace(), status.name());
        if (knownKeys.mayContain(key)) {
            onStatus(key, status, now);
        }
    }

    @SuppressWarnings("try") // LogContext only sets the MDC for the block
    private void onStatus(String key, StatusDigest status, Instant now) {
        try (LogContext ignored = LogContext.session(status.cluster(), status.namespace(), status.name())) {
            applyStatus(key, status, now);
        } catch (RuntimeException e) {
            // a status only informs the rules; losing one must not stop the planner
            listener.ignored(status.cluster(), "status-failed");
            LOG.error("cannot apply the {} status of {}/{}; it is ignored", status.phase(), status.namespace(),
                    status.name(), e);
        }
    }

    private void applyStatus(String key, StatusDigest status, Instant now) {
        TrackedSession tracked = store.get(key);
        if (tracked == null) {
            // another task's session, or one this task forgot: the rules read those statuses from the view itself
            return;
        }
        if (tracked.ended()) {
            // the final phase is written once; anything after it changes nothing
            return;
        }
        if (tracked.reportedAtMillis() != null && status.updatedAtMillis() < tracked.reportedAtMillis()) {
            // handed over again when the task started, after a newer one
            return;
        }
        boolean wasWaiting = tracked.waiting();
        TrackedSession updated = tracked.withReport(status.phase(), Instant.ofEpochMilli(status.updatedAtMillis()))
                .withTargetPhases(status.targetPhases());
        if (SessionPhases.isFinal(status.phase())) {
            if (wasWaiting) {
                LOG.info("session ended {} while the planner still held targets back ({}); they will not be"
                        + " planned", status.phase(), tracked.waitingFor());
            }
            Optional<Instant> due = RetryRule.retryDue(tracked, status.phase(),
                    Instant.ofEpochMilli(status.updatedAtMillis()),
                    retryDelay(status.cluster(), status.namespace(), tracked));
            if (due.isPresent()) {
                updated = updated.withRetryDue(due.get());
                LOG.info("session failed with {} retries left; retry due at {}", tracked.retryLeft(), due.get());
            }
        }
        save(status.cluster(), status.namespace(), updated);
        recheckNamespace(status.cluster(), status.namespace(), now);
    }

    private Duration retryDelay(String cluster, String namespace, TrackedSession session) {
        try {
            InvokerFacts facts = backupInvoker(cluster, namespace, session).facts();
            if (facts == null || facts.retryConfig() == null || facts.retryConfig().delay() == null
                    || facts.retryConfig().delay().isEmpty()) {
                return Duration.ZERO;
            }
            return GoDuration.parse(facts.retryConfig().delay());
        } catch (RuntimeException e) {
            LOG.warn("cannot read the retry delay of {} {}/{}; retrying without delay: {}", session.invokerKind(),
                    namespace, session.invokerName(), e.getMessage());
            return Duration.ZERO;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // punctuation

    private void punctuate(long wallClockMillis) {
        Instant now = Instant.ofEpochMilli(wallClockMillis);
        if (planCache == null) {
            planCache = planCaches.get();
        }
        takeStatuses(now);
        for (String namespaceKey : index.namespacesWithWaitingSessions()) {
            int slash = namespaceKey.indexOf('/');
            recheckNamespace(namespaceKey.substring(0, slash), namespaceKey.substring(slash + 1), now);
        }
        issueDueRetries(now);
        if (wallClockMillis >= nextPurgeMillis) {
            purge(now);
            nextPurgeMillis = wallClockMillis + settings.purgeInterval().toMillis();
        }
        planCache.makeDeferredEntries(System.nanoTime());
    }

    /** Looks again at the waiting sessions of a namespace, oldest first. */
    @SuppressWarnings("try") // LogContext only sets the MDC for the block
    private void recheckNamespace(String cluster, String namespace, Instant now) {
        for (TrackedSession session : index.waiting(cluster, namespace)) {
            try (LogContext ignored = LogContext.session(cluster, namespace, session.name())) {
                TrackedSession evaluated;
                try {
                    evaluated = evaluate(cluster, namespace, session, now);
                } catch (SerializationException e) {
                    throw e;
                } catch (RuntimeException e) {
                    evaluated = failedUnexpectedly(cluster, namespace, session, e, now);
                }
                if (!evaluated.equals(session)) {
                    save(cluster, namespace, evaluated);
                }
            }
        }
    }

    @SuppressWarnings("try") // LogContext only sets the MDC for the block
    private void issueDueRetries(Instant now) {
        for (String key : index.dueRetries(now.toEpochMilli())) {
            TrackedSession session = store.get(key);
            RecordKeys.Parts parts = RecordKeys.parse(key);
            if (session == null || !RetryRule.due(session, now)) {
                index(key, session);
                continue;
            }
            try (LogContext ignored = LogContext.session(parts.cluster(), parts.namespace(), session.name())) {
                String retryName = SessionNames.of(session.invokerName(), now);
                if (retryName.equals(session.name())) {
                    // failed within the second it was created: the retry must not collapse into it
                    retryName = SessionNames.of(session.invokerName(), now.plusSeconds(1));
                }
                SessionRequested retry = SessionRequested.newBuilder()
                        .setCluster(parts.cluster())
                        .setNamespace(parts.namespace())
                        .setSessionName(retryName)
                        .setKind(SessionKind.BACKUP)
                        .setInvoker(InvokerRef.newBuilder().setApiGroup(STASH_GROUP).setKind(session.invokerKind())
                                .setName(session.invokerName()).build())
                        .setRetryLeft(session.retryLeft() - 1)
                        .setRequestedAt(now)
                        .setRequestedBy("retry")
                        .setLabels(new LinkedHashMap<>(session.labels()))
                        .setRetryOf(session.name())
                        .build();
                String retryKey = RecordKeys.of(parts.cluster(), parts.namespace(), retryName);
                context.forward(new Record<>(retryKey, PlannerOutput.request(settings.topics().sessions(), retry),
                        now.toEpochMilli(), OutputHeaders.of(settings.eventSource(), SessionRequested.class, retryKey,
                        retryKey, now)));
                listener.retried(parts.cluster());
                LOG.info("requested retry {} ({} retries left after it)", retryName, retry.getRetryLeft());
                save(parts.cluster(), parts.namespace(), session.asRetried());
            }
        }
    }

    /** Forgets sessions older than the retention: their requests are no longer recognised as duplicates. */
    private void purge(Instant now) {
        long cutoff = now.minus(settings.retention()).toEpochMilli();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, TrackedSession> all = store.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                TrackedSession s = entry.value;
                long last = s.reportedAtMillis() != null ? s.reportedAtMillis()
                        : s.requestedAtMillis() != null ? s.requestedAtMillis() : Long.MAX_VALUE;
                boolean retryOutstanding = s.retryDueMillis() != null && !s.retried();
                if (last < cutoff && !retryOutstanding && s.stage() != Stage.PENDING) {
                    expired.add(entry.key);
                }
            }
        }
        for (String key : expired) {
            store.delete(key);
            index(key, null);
            withdraw(key);
        }
        if (!expired.isEmpty()) {
            LOG.info("forgot {} session(s) older than {}", expired.size(), settings.retention());
            rebuildKnownKeys();
        }
    }

    /**
     * Publishes the session for the other tasks while it is incomplete and its invoker shares a target with another
     * invoker (the only case where another task's rules look at it), and withdraws it when that ends.
     */
    private void publishFact(String key, TrackedSession session, boolean sharesTarget) {
        boolean wanted = sharesTarget && session.stage() != Stage.OBSERVED && session.incomplete();
        if (wanted) {
            publishedFacts.add(key);
            forwardFact(key, session);
        } else {
            withdraw(key);
        }
    }

    /** A tombstone for the session's fact, when this task published one or the facts topic holds one. */
    private void withdraw(String key) {
        if (publishedFacts.remove(key) || factsView.has(key)) {
            forwardFact(key, null);
        }
    }

    private void forwardFact(String key, TrackedSession fact) {
        context.forward(new Record<>(key, PlannerOutput.fact(settings.topics().plannerFacts(), fact),
                context.currentSystemTimeMs()));
    }

    /** Whether the session is a backup whose invoker shares a target with another invoker. */
    private boolean sharesTarget(String cluster, String namespace, TrackedSession session) {
        if (session.type() != SessionType.BACKUP) {
            return false;
        }
        try {
            InvokerView shared = backupInvoker(cluster, namespace, session).view();
            return shared != null && !shared.sharedTargets().isEmpty();
        } catch (RuntimeException e) {
            // an unreadable invoker: its sessions are rejected, nothing to publish
            return false;
        }
    }

    /** Sizes the filter of known keys anew for what the store holds now. */
    private void rebuildKnownKeys() {
        long held = Math.max(store.approximateNumEntries(), knownKeys.added());
        KnownKeys rebuilt = KnownKeys.sizedFor((int) Math.min(held, Integer.MAX_VALUE));
        try (KeyValueIterator<String, TrackedSession> all = store.all()) {
            while (all.hasNext()) {
                rebuilt.add(all.next().key);
            }
        }
        knownKeys = rebuilt;
    }

    // ------------------------------------------------------------------------------------------------------------
    // state

    private void save(String cluster, String namespace, TrackedSession session) {
        save(RecordKeys.of(cluster, namespace, session.name()), cluster, namespace, session);
    }

    /** @param key the session's key, {@code cluster/namespace/name} */
    private void save(String key, String cluster, String namespace, TrackedSession session) {
        store.put(key, session);
        if (!knownKeys.mayContain(key)) {
            knownKeys.add(key);
            if (knownKeys.full()) {
                knownKeys = knownKeys.grown();
            }
        }
        boolean shares = sharesTarget(cluster, namespace, session);
        index.update(cluster, namespace, session.name(), session, shares);
        publishFact(key, session, shares);
    }

    private void index(String key, TrackedSession session) {
        RecordKeys.Parts parts = RecordKeys.parse(key);
        index.update(parts.cluster(), parts.namespace(), parts.name(), session, session != null
                && sharesTarget(parts.cluster(), parts.namespace(), session));
    }

    // ------------------------------------------------------------------------------------------------------------
    // events

    private void emitPlan(String cluster, String namespace, TrackedSession session, PlanCache.EncodedPlan job,
                          int targetIndex, int totalTargets, Instant now) {
        String key = RecordKeys.of(cluster, namespace, session.name());
        context.forward(new Record<>(key, PlannerOutput.plan(planEncoder.topic(cluster), job.value()),
                now.toEpochMilli(), OutputHeaders.of(settings.eventSource(), JobPlanned.class, job.planId(), key,
                now)));
        Instant requestedAt = session.requestedAt();
        listener.planned(cluster, requestedAt == null ? Duration.ZERO : Duration.between(requestedAt, now));
        LOG.info("planned pod {} for target {} of {}", job.podName(), targetIndex, totalTargets);
    }

    private void emitSkip(String cluster, String namespace, TrackedSession session, InvokerFacts facts,
                          ConcurrencyRules.Decision decision, Instant now) {
        PlanRejected skip = PlanRejected.newBuilder()
                .setSessionKey(sessionKey(cluster, namespace, session))
                .setInvoker(invokerRef(session))
                .setReason(decision.skipReason())
                .setResourceKind(facts.kind())
                .setResourceNamespace(namespace)
                .setResourceName(facts.name())
                .setFieldPath(decision.skipFieldPath())
                .setSkipped(true)
                .setRejectedAt(now)
                .build();
        String key = RecordKeys.of(skip.getSessionKey());
        context.forward(new Record<>(key, PlannerOutput.rejection(settings.topics().planRejections(), skip),
                now.toEpochMilli(), OutputHeaders.of(settings.eventSource(), PlanRejected.class, key + "/skipped",
                key, now)));
        listener.skipped(cluster);
        LOG.info("{}", decision.skipReason());
    }

    private void emitRejection(String cluster, String namespace, TrackedSession session, Integer targetIndex,
                               String reason, String resourceKind, String resourceNamespace, String resourceName,
                               String fieldPath, String variable, String code, Instant now) {
        PlanRejected rejection = PlanRejected.newBuilder()
                .setSessionKey(sessionKey(cluster, namespace, session))
                .setInvoker(invokerRef(session))
                .setTargetIndex(targetIndex)
                .setReason(reason)
                .setResourceKind(resourceKind)
                .setResourceNamespace(resourceNamespace)
                .setResourceName(resourceName)
                .setFieldPath(fieldPath)
                .setVariable(variable)
                .setSkipped(false)
                .setRejectedAt(now)
                .build();
        String key = RecordKeys.of(rejection.getSessionKey());
        String id = key + "/rejected/" + (targetIndex == null ? "-" : targetIndex.toString());
        context.forward(new Record<>(key, PlannerOutput.rejection(settings.topics().planRejections(), rejection),
                now.toEpochMilli(), OutputHeaders.of(settings.eventSource(), PlanRejected.class, id, key, now)));
        listener.rejected(cluster, code);
        LOG.warn("cannot plan the session: {}", reason);
    }

    private static SessionKey sessionKey(String cluster, String namespace, TrackedSession session) {
        return SessionKey.newBuilder().setCluster(cluster).setNamespace(namespace).setName(session.name())
                .setKind(session.type() == SessionType.RESTORE ? SessionKind.RESTORE : SessionKind.BACKUP).build();
    }

    private static InvokerRef invokerRef(TrackedSession session) {
        return InvokerRef.newBuilder().setApiGroup(STASH_GROUP).setKind(nullToEmpty(session.invokerKind()))
                .setName(nullToEmpty(session.invokerName())).build();
    }

    /** {@code namespace/name} → [namespace, name]; a bare name → [null, name]. */
    private static String[] splitName(String resourceName) {
        if (resourceName == null) {
            return new String[] {null, null};
        }
        int slash = resourceName.indexOf('/');
        return slash < 0 ? new String[] {null, resourceName}
                : new String[] {resourceName.substring(0, slash), resourceName.substring(slash + 1)};
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
