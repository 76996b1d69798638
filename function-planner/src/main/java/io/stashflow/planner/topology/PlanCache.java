package io.stashflow.planner.topology;

import io.stashflow.api.model.AppBinding;
import io.stashflow.api.model.BackupBatch;
import io.stashflow.api.model.BackupBlueprint;
import io.stashflow.api.model.BackupConfiguration;
import io.stashflow.api.model.BackupSession;
import io.stashflow.api.model.Function;
import io.stashflow.api.model.Repository;
import io.stashflow.api.model.RestoreSession;
import io.stashflow.api.model.Task;
import io.stashflow.api.plan.PodPlanMappingException;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.PodPlan;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionRequested;
import io.stashflow.planner.definitions.DefinitionsView;
import io.stashflow.planner.lifecycle.DeadlinePolicy;
import io.stashflow.planner.lifecycle.GoDuration;
import io.stashflow.planner.resolver.BuiltinDefinitions;
import io.stashflow.planner.resolver.DefinitionLookup;
import io.stashflow.planner.resolver.ResolutionException;
import io.stashflow.planner.resolver.ResolvedPlan;
import io.stashflow.planner.resolver.ResolverSettings;
import io.stashflow.planner.resolver.ResourceNames;
import io.stashflow.planner.resolver.StandInResolution;
import io.stashflow.planner.resolver.StashResolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resolved and mapped pods of backup sessions, kept per invoker so that a session of an invoker whose
 * definitions did not change costs a copy with its name put in instead of a resolution.
 *
 * <p>Sessions of one invoker differ only in their name (and {@code retryLeft}, part of the key): the resolver is
 * asked once, under a random stand-in name, and certifies that the name reaches the plans only as copies in the pod
 * name, the owner reference and container args, commands and env values
 * ({@link StashResolver#resolveBackupSessionWithStandIn}). The plans, mapped to {@code PodPlan}s, then serve every
 * session of the invoker with the stand-in replaced by the session's name ({@link PodPlanTemplate}). Plans that use
 * the name in any other way, or have an interim volume claim (named after the session), are remembered as not
 * reusable and resolved for each session as before.
 *
 * <p>A key's first session is resolved plainly and the key remembered; its entry is made by the key's second session,
 * or earlier, when the stream thread is idle, by {@link #makeDeferredEntries} (a burst of keys seen once, such as a
 * fleet-wide cron tick, then costs one resolution per session instead of two and a comparison).
 *
 * <p>An entry is used only while every definition its resolution read (the invoker, Repository, AppBinding, Task
 * and Functions, and the lookups that found nothing, such as a user Function shadowing a built-in) is still the same
 * object in the {@link DefinitionsView}: a republished definition, even unchanged, sends the next session down the
 * plain path, which builds a new entry. When an entry is made, its rendering for the session at hand is compared,
 * byte for byte, with that session's plain resolution; a difference (a bug) is logged and the invoker is resolved
 * plainly from then on.
 *
 * <p>The key is {@code cluster, namespace, invoker kind and name, retryLeft}. Restores and session names that are
 * not lowercase DNS names ({@code [a-z0-9.-]}) always take the plain path. One instance per processor, used by one
 * stream thread: not thread-safe. At most {@code capacity} entries, least recently used dropped first; capacity 0
 * turns the cache off.
 */
final class PlanCache {

    private static final Logger LOG = LoggerFactory.getLogger(PlanCache.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What happened to one session's lookup, for metrics. */
    enum Outcome {
        /** rendered from an entry */
        HIT,
        /** resolved, and an entry was made (or could not be made) */
        MISS,
        /** the key's first session: resolved, and the entry left for later (the key's next session, or idle time) */
        FIRST,
        /** resolved: the invoker's plans use the session name in a way that cannot be substituted */
        NOT_REUSABLE,
        /** resolved: a restore, or a session name outside the cache's alphabet */
        PLAIN;

        private final String label = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');

        /** The metric label: {@code hit}, {@code miss}, {@code first}, {@code not-reusable}, {@code plain}. */
        String label() {
            return label;
        }
    }

    /** The plans of one session, one per target; a resolved pod is mapped when asked for (mapping can fail). */
    interface SessionPlans {
        int size();

        boolean has(int targetIndex);

        /** @throws PodPlanMappingException when the pod uses a field a plan cannot carry */
        TargetPlan target(int targetIndex);

        /**
         * The target's {@code JobPlanned} as the jobs topic carries it.
         *
         * @param request the session (as {@code PlanBuilder} takes it)
         * @param facts   its invoker
         * @throws PodPlanMappingException when the pod uses a field a plan cannot carry
         */
        default EncodedPlan encoded(int targetIndex, SessionRequested request, InvokerFacts facts, Instant now,
                                    PlanEncoder encoder) {
            JobPlanned job = PlanBuilder.build(request, facts, target(targetIndex), now);
            return new EncodedPlan(job.getPlanId(), job.getPod().getName(), encoder.encode(job));
        }
    }

    /** A target's encoded {@code JobPlanned}, with what the planner logs and counts of it. */
    record EncodedPlan(String planId, String podName, byte[] value) {
    }

    private record Key(String cluster, String namespace, String invokerKind, String invokerName, int retryLeft) {
        // written out: a record's generated equals and hashCode go through method handles, and this key is
        // looked up for every session
        @Override
        public int hashCode() {
            return (((cluster.hashCode() * 31 + namespace.hashCode()) * 31 + invokerKind.hashCode()) * 31
                    + invokerName.hashCode()) * 31 + retryLeft;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && retryLeft == k.retryLeft && cluster.equals(k.cluster)
                    && namespace.equals(k.namespace) && invokerKind.equals(k.invokerKind)
                    && invokerName.equals(k.invokerName);
        }
    }

    /** A definition lookup the entry's resolution made, and the object it found (null for none). */
    private record Read(java.util.function.Function<DefinitionLookup, Optional<?>> lookup, Object found) {
    }

    /** An entry: the reads it depends on, and its targets' templates (null when not reusable). */
    private static final class Entry {
        private final List<Read> reads;
        private final List<TargetTemplate> targets;
        /** The {@link DefinitionsView#version} at which {@link #reads} were last found unchanged. */
        long validAtVersion = -1;

        Entry(List<Read> reads, List<TargetTemplate> targets) {
            this.reads = reads;
            this.targets = targets;
        }

        List<Read> reads() {
            return reads;
        }

        List<TargetTemplate> targets() {
            return targets;
        }

        boolean reusable() {
            return targets != null;
        }
    }

    /**
     * One target of an entry. Its encoded template is made by the first session the entry serves (see
     * {@link RenderedPlans#encoded}); until then, and when it cannot be made, sessions are encoded from their
     * rendered plans.
     */
    private static final class TargetTemplate {
        final int targetIndex;
        final PodPlanTemplate pod;
        final List<String> podSecurityPolicyNames;
        final String timeOut;
        EncodedPlanTemplate encoded;
        boolean encodingTried;
        /** The parsed {@code timeOut}, once a deadline was computed with it. */
        private Duration parsedTimeOut;

        TargetTemplate(int targetIndex, PodPlanTemplate pod, List<String> podSecurityPolicyNames, String timeOut) {
            this.targetIndex = targetIndex;
            this.pod = pod;
            this.podSecurityPolicyNames = podSecurityPolicyNames;
            this.timeOut = timeOut;
        }

        /** {@link DeadlinePolicy#deadline}, with the {@code timeOut} parsed once. */
        Optional<Instant> deadline(Instant requestedAt) {
            if (timeOut == null || timeOut.isEmpty()) {
                return Optional.empty();
            }
            if (parsedTimeOut == null) {
                if (DeadlinePolicy.deadline(requestedAt, timeOut).isEmpty()) {
                    return Optional.empty();
                }
                parsedTimeOut = GoDuration.parse(timeOut);
            }
            return Optional.of(requestedAt.plus(parsedTimeOut));
        }
    }

    /** No lookup for this long: the stream thread is idle enough to make deferred entries. */
    static final long IDLE_NANOS = 500_000_000L;
    /**
     * Time one call of {@link #makeDeferredEntries} may take, at most one call per {@link #IDLE_NANOS}: it runs on the
     * stream thread, and a session arriving meanwhile waits for it.
     */
    static final long DEFERRED_BUDGET_NANOS = 100_000_000L;

    private final DefinitionsView view;
    private final ResolverSettings settings;
    private final int capacity;
    private final String standIn;
    /** The stand-in session's plannedAt and requestedAt in the events encoded templates are made from. */
    private final long standInPlannedAt;
    private final long standInRequestedAt;
    private final Map<String, StashResolver> resolvers = new HashMap<>();
    private final Map<Key, Entry> entries;
    /** Keys seen once and without an entry yet, with their session: oldest first, at most {@code capacity}. */
    private final Map<Key, SessionRequested> deferred;
    /** {@link System#nanoTime} of the last lookup, so deferred entries are made only when the thread is idle. */
    private long lastLookupNanos;
    /** {@link System#nanoTime} of the last call that made deferred entries. */
    private long lastDeferredRunNanos;
    /** Count per outcome (by ordinal). */
    private final long[] outcomes = new long[Outcome.values().length];
    private long renderedFromTemplates;
    private long refusedTemplates;

    /**
     * @param capacity most entries kept (one per invoker and retryLeft); 0 turns the cache off
     */
    PlanCache(DefinitionsView view, ResolverSettings settings, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("the plan cache capacity must not be negative");
        }
        this.view = Objects.requireNonNull(view, "view");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.capacity = capacity;
        this.standIn = randomStandIn();
        // times no session has (tens of thousands of years before 1970), so the encoded templates can find them
        this.standInPlannedAt = -(1L << 50) - RANDOM.nextInt(1 << 30);
        this.standInRequestedAt = standInPlannedAt - (1L << 45) - RANDOM.nextInt(1 << 30);
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > PlanCache.this.capacity;
            }
        };
        this.lastDeferredRunNanos = System.nanoTime() - IDLE_NANOS;
        this.deferred = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, SessionRequested> eldest) {
                return size() > PlanCache.this.capacity;
            }
        };
    }

    /** {@code [a-z0-9.-]+}: the names the cache takes (every Kubernetes object name is one). */
    static boolean simpleName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** A lowercase DNS label nobody can guess, so it occurs in no definition. */
    private static String randomStandIn() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder name = new StringBuilder("stand-in-");
        for (int i = 0; i < 24; i++) {
            name.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return name.toString();
    }

    /** The resolver over {@code cluster}'s definitions and the built-ins, as every plain resolution uses it. */
    StashResolver resolver(String cluster) {
        return resolvers.computeIfAbsent(cluster, c -> new StashResolver(
                BuiltinDefinitions.withBuiltins(view.lookup(c)), settings));
    }

    /**
     * The plans of a backup session, from an entry when one serves it.
     *
     * @param onOutcome told what happened, for metrics
     * @throws ResolutionException                  as {@link StashResolver#resolveBackupSession} throws it
     * @throws io.stashflow.planner.definitions.UnreadableDefinitionException when a definition it needs is unreadable
     */
    SessionPlans backupPlans(String cluster, SessionRequested request,
                             java.util.function.Consumer<Outcome> onOutcome) throws ResolutionException {
        if (capacity == 0 || request.getKind() != SessionKind.BACKUP
                || !simpleName(request.getSessionName())) {
            return counted(Outcome.PLAIN, onOutcome, plain(cluster, request));
        }
        lastLookupNanos = System.nanoTime();
        Key key = new Key(cluster, request.getNamespace(), request.getInvoker().getKind(),
                request.getInvoker().getName(), request.getRetryLeft());
        Entry entry = entries.get(key);
        if (entry != null) {
            if (stillValid(entry, cluster)) {
                if (entry.reusable()) {
                    return counted(Outcome.HIT, onOutcome, rendered(entry, request.getSessionName()));
                }
                return counted(Outcome.NOT_REUSABLE, onOutcome, plain(cluster, request));
            }
            entries.remove(key);
            return counted(Outcome.MISS, onOutcome, build(cluster, key, request));
        }
        if (deferred.remove(key) != null) {
            // the key's second session: it recurs, the entry pays off from now on
            return counted(Outcome.MISS, onOutcome, build(cluster, key, request));
        }
        // an entry costs a second resolution and a comparison: a burst of first sessions (a fleet-wide cron tick,
        // a restart) is planned with one resolution each, and the entries are made when the thread has time
        deferred.put(key, request);
        return counted(Outcome.FIRST, onOutcome, plain(cluster, request));
    }

    /**
     * Makes the entries of keys that had one session so far, oldest first, when no session was looked up for
     * {@link #IDLE_NANOS} (and no call made entries for as long), for at most {@link #DEFERRED_BUDGET_NANOS}. A key
     * whose resolution fails now gets no entry (its next session takes the ordinary path and is rejected there if it
     * still fails).
     *
     * @param nowNanos {@link System#nanoTime} now
     * @return how many were made
     */
    int makeDeferredEntries(long nowNanos) {
        if (deferred.isEmpty() || nowNanos - lastLookupNanos < IDLE_NANOS
                || nowNanos - lastDeferredRunNanos < IDLE_NANOS) {
            return 0;
        }
        lastDeferredRunNanos = nowNanos;
        long start = System.nanoTime();
        int made = 0;
        var pending = deferred.entrySet().iterator();
        while (pending.hasNext() && System.nanoTime() - start < DEFERRED_BUDGET_NANOS) {
            Map.Entry<Key, SessionRequested> next = pending.next();
            pending.remove();
            Key key = next.getKey();
            if (entries.containsKey(key)) {
                continue;
            }
            try {
                build(key.cluster(), key, next.getValue());
                made++;
            } catch (ResolutionException | RuntimeException e) {
                LOG.debug("no plan cache entry for {} {}/{}: {}", key.invokerKind(), key.namespace(),
                        key.invokerName(), e.getMessage());
            }
        }
        return made;
    }

    /** Keys waiting for their entry (for tests). */
    int deferredEntries() {
        return deferred.size();
    }

    /** How many records were written from encoded templates, and how many templates were refused (for tests). */
    long[] encodedTemplateUse() {
        return new long[] {renderedFromTemplates, refusedTemplates};
    }

    /** How often each outcome happened so far (for tests). */
    Map<Outcome, Long> outcomes() {
        Map<Outcome, Long> counted = new java.util.EnumMap<>(Outcome.class);
        for (Outcome outcome : Outcome.values()) {
            if (outcomes[outcome.ordinal()] > 0) {
                counted.put(outcome, outcomes[outcome.ordinal()]);
            }
        }
        return Map.copyOf(counted);
    }

    private SessionPlans counted(Outcome outcome, java.util.function.Consumer<Outcome> onOutcome,
                                 SessionPlans plans) {
        outcomes[outcome.ordinal()]++;
        onOutcome.accept(outcome);
        return plans;
    }

    /** Resolves the session plainly, and makes an entry for its invoker when the stand-in resolution allows. */
    private SessionPlans build(String cluster, Key key, SessionRequested request) throws ResolutionException {
        RecordingLookup reads = new RecordingLookup(view.lookup(cluster));
        StandInResolution resolution;
        try {
            StashResolver recorded = new StashResolver(BuiltinDefinitions.withBuiltins(reads), settings);
            SessionRequested standInRequest = SessionRequested.newBuilder(request).setSessionName(standIn).build();
            resolution = recorded.resolveBackupSessionWithStandIn(SessionSynthesis.backupSession(standInRequest));
        } catch (ResolutionException | RuntimeException e) {
            // the plain resolution below says what is wrong; nothing to remember
            return plain(cluster, request);
        }
        PlainPlans plain = plain(cluster, request);
        if (!resolution.reusable()) {
            LOG.debug("plans of {} {}/{} are resolved for every session: {}", key.invokerKind(), key.namespace(),
                    key.invokerName(), resolution.notReusable().get());
            entries.put(key, new Entry(reads.reads(), null));
            return plain;
        }
        List<TargetTemplate> templates = new ArrayList<>();
        for (ResolvedPlan plan : resolution.plans()) {
            TargetPlan mapped;
            try {
                mapped = PlanBuilder.targetPlan(plan);
            } catch (PodPlanMappingException e) {
                // the plain path rejects the session when it plans that target
                return plain;
            }
            Optional<PodPlanTemplate> pod = PodPlanTemplate.of(mapped.pod(), standIn);
            // (an interim volume claim or a policy name holding the name already made the resolution not reusable)
            if (pod.isEmpty()) {
                LOG.debug("plans of {} {}/{} are resolved for every session: the mapped pod of target {} holds the"
                        + " session name elsewhere", key.invokerKind(), key.namespace(), key.invokerName(),
                        plan.targetIndex());
                entries.put(key, new Entry(reads.reads(), null));
                return plain;
            }
            templates.add(new TargetTemplate(plan.targetIndex(), pod.get(), mapped.podSecurityPolicyNames(),
                    mapped.timeOut()));
        }
        Entry entry = new Entry(reads.reads(), List.copyOf(templates));
        boolean same;
        try {
            same = sameBytes(rendered(entry, request.getSessionName()), plain);
        } catch (PodPlanMappingException e) {
            same = false;
        }
        if (!stillValid(entry, cluster)) {
            // a definition changed while the session was resolved: the next session makes the entry
            return plain;
        }
        if (!same) {
            LOG.warn("the plan cache's rendering of session {}/{} differs from its resolution; {} {}/{} is resolved"
                    + " for every session from now on (this is a Stashflow bug, please report it with the"
                    + " definitions)", request.getNamespace(), request.getSessionName(), key.invokerKind(),
                    key.namespace(), key.invokerName());
            entries.put(key, new Entry(reads.reads(), null));
            return plain;
        }
        entries.put(key, entry);
        return plain;
    }

    private PlainPlans plain(String cluster, SessionRequested request) throws ResolutionException {
        return new PlainPlans(resolver(cluster).resolveBackupSession(SessionSynthesis.backupSession(request)));
    }

    /**
     * Whether every definition the entry's resolution read is still the object it read. Checked by lookups only when
     * the view changed since the entry was last found valid: with definitions that do not change, an O(1) check.
     */
    private boolean stillValid(Entry entry, String cluster) {
        long version = view.version();
        if (version == entry.validAtVersion) {
            return true;
        }
        DefinitionLookup current = view.lookup(cluster);
        try {
            for (Read read : entry.reads()) {
                if (read.lookup().apply(current).orElse(null) != read.found()) {
                    return false;
                }
            }
        } catch (RuntimeException e) {
            // unreadable now: the plain path says so
            return false;
        }
        entry.validAtVersion = version;
        return true;
    }

    private RenderedPlans rendered(Entry entry, String sessionName) {
        return new RenderedPlans(entry, sessionName);
    }

    private static TargetPlan render(TargetTemplate target, String sessionName) {
        PodPlan pod = target.pod.render(ResourceNames.backupPodName(sessionName, target.targetIndex), sessionName);
        return new TargetPlan(target.targetIndex, pod, target.podSecurityPolicyNames, null, target.timeOut);
    }

    /** Whether the rendered plans are, serialised, the plain ones. */
    private static boolean sameBytes(RenderedPlans rendered, PlainPlans plain) {
        if (rendered.size() != plain.size()) {
            return false;
        }
        for (int i = 0; i < rendered.size(); i++) {
            TargetPlan target = rendered.target(rendered.entry.targets().get(i).targetIndex);
            if (!plain.has(target.targetIndex())) {
                return false;
            }
            TargetPlan expected = plain.target(target.targetIndex());
            if (!encoded(target.pod()).equals(encoded(expected.pod()))
                    || !target.podSecurityPolicyNames().equals(expected.podSecurityPolicyNames())
                    || !Objects.equals(target.interimVolumeClaimJson(), expected.interimVolumeClaimJson())
                    || !Objects.equals(target.timeOut(), expected.timeOut())) {
                return false;
            }
        }
        return true;
    }

    private static java.nio.ByteBuffer encoded(PodPlan pod) {
        try {
            return pod.toByteBuffer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class PlainPlans implements SessionPlans {
        private final List<ResolvedPlan> plans;
        private final Map<Integer, TargetPlan> mapped = new HashMap<>();

        PlainPlans(List<ResolvedPlan> plans) {
            this.plans = plans;
        }

        @Override
        public int size() {
            return plans.size();
        }

        @Override
        public boolean has(int targetIndex) {
            return plans.stream().anyMatch(p -> p.targetIndex() == targetIndex);
        }

        @Override
        public TargetPlan target(int targetIndex) {
            TargetPlan plan = mapped.get(targetIndex);
            if (plan == null) {
                ResolvedPlan resolved = plans.stream().filter(p -> p.targetIndex() == targetIndex).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no target " + targetIndex));
                plan = PlanBuilder.targetPlan(resolved);
                mapped.put(targetIndex, plan);
            }
            return plan;
        }
    }

    /** The plans of a session served by an entry: rendered when asked for, encoded from the entry's templates. */
    private final class RenderedPlans implements SessionPlans {
        private final Entry entry;
        private final String sessionName;

        RenderedPlans(Entry entry, String sessionName) {
            this.entry = entry;
            this.sessionName = sessionName;
        }

        @Override
        public int size() {
            return entry.targets().size();
        }

        @Override
        public boolean has(int targetIndex) {
            return find(targetIndex) != null;
        }

        private TargetTemplate find(int targetIndex) {
            for (TargetTemplate target : entry.targets()) {
                if (target.targetIndex == targetIndex) {
                    return target;
                }
            }
            return null;
        }

        @Override
        public TargetPlan target(int targetIndex) {
            TargetTemplate target = find(targetIndex);
            if (target == null) {
                throw new IllegalArgumentException("no target " + targetIndex);
            }
            return render(target, sessionName);
        }

        /**
         * From the target's encoded template once it has one. The first session that gets here makes it: the
         * session is encoded from its rendered plan, the template from the stand-in's, and the template is kept
         * only when its rendering for this session is the session's encoded event, byte for byte.
         */
        @Override
        public EncodedPlan encoded(int targetIndex, SessionRequested request, InvokerFacts facts, Instant now,
                                   PlanEncoder encoder) {
            TargetTemplate target = find(targetIndex);
            if (target == null) {
                throw new IllegalArgumentException("no target " + targetIndex);
            }
            String podName = ResourceNames.backupPodName(sessionName, targetIndex);
            String planId = RecordKeys.of(request.getCluster(), request.getNamespace(), sessionName) + "/"
                    + targetIndex;
            Optional<Instant> deadline = target.deadline(request.getRequestedAt());
            long deadlineMillis = deadline.map(Instant::toEpochMilli).orElse(0L);
            EncodedPlanTemplate template = target.encoded;
            if (template != null && template.hasDeadline() == deadline.isPresent()) {
                renderedFromTemplates++;
                return new EncodedPlan(planId, podName, template.render(sessionName, podName, now.toEpochMilli(),
                        deadlineMillis));
            }
            EncodedPlan plain = SessionPlans.super.encoded(targetIndex, request, facts, now, encoder);
            if (!target.encodingTried) {
                target.encodingTried = true;
                target.encoded = encodedTemplate(target, request, facts, encoder, plain, podName, now,
                        deadlineMillis);
            }
            return plain;
        }

        private EncodedPlanTemplate encodedTemplate(TargetTemplate target, SessionRequested request,
                                                    InvokerFacts facts, PlanEncoder encoder, EncodedPlan plain,
                                                    String podName, Instant now, long deadlineMillis) {
            String podNameMarker = standIn + "-pod-name";
            SessionRequested standInRequest = SessionRequested.newBuilder(request).setSessionName(standIn)
                    .setRequestedAt(Instant.ofEpochMilli(standInRequestedAt)).build();
            TargetPlan standInPlan = new TargetPlan(target.targetIndex, target.pod.render(podNameMarker, standIn),
                    target.podSecurityPolicyNames, null, target.timeOut);
            JobPlanned standInJob = PlanBuilder.build(standInRequest, facts, standInPlan,
                    Instant.ofEpochMilli(standInPlannedAt));
            Long standInDeadline = standInJob.getDeadline() == null ? null : standInJob.getDeadline().toEpochMilli();
            EncodedPlanTemplate template = encoder.template(standInJob, plain.value(), standIn, podNameMarker,
                    standInPlannedAt, standInDeadline);
            byte[] check = template.render(sessionName, podName, now.toEpochMilli(), deadlineMillis);
            if (!Arrays.equals(check, plain.value())) {
                refusedTemplates++;
                LOG.warn("the plan cache's encoded template for session {}/{} differs from its event; its invoker's"
                        + " sessions are encoded one by one (this is a Stashflow bug, please report it with the"
                        + " definitions)", request.getNamespace(), request.getSessionName());
                return null;
            }
            return template;
        }
    }

    /** Passes lookups on and remembers each, with what it found. */
    private static final class RecordingLookup implements DefinitionLookup {
        private final DefinitionLookup delegate;
        private final List<Read> reads = new ArrayList<>();

        RecordingLookup(DefinitionLookup delegate) {
            this.delegate = delegate;
        }

        List<Read> reads() {
            return List.copyOf(reads);
        }

        private <T> Optional<T> record(java.util.function.Function<DefinitionLookup, Optional<T>> lookup) {
            Optional<T> found = lookup.apply(delegate);
            reads.add(new Read(lookup::apply, found.orElse(null)));
            return found;
        }

        @Override
        public Optional<Function> function(String name) {
            return record(l -> l.function(name));
        }

        @Override
        public Optional<Task> task(String name) {
            return record(l -> l.task(name));
        }

        @Override
        public Optional<BackupBlueprint> backupBlueprint(String name) {
            return record(l -> l.backupBlueprint(name));
        }

        @Override
        public Optional<BackupConfiguration> backupConfiguration(String namespace, String name) {
            return record(l -> l.backupConfiguration(namespace, name));
        }

        @Override
        public Optional<BackupBatch> backupBatch(String namespace, String name) {
            return record(l -> l.backupBatch(namespace, name));
        }

        @Override
        public Optional<BackupSession> backupSession(String namespace, String name) {
            return record(l -> l.backupSession(namespace, name));
        }

        @Override
        public Optional<RestoreSession> restoreSession(String namespace, String name) {
            return record(l -> l.restoreSession(namespace, name));
        }

        @Override
        public Optional<Repository> repository(String namespace, String name) {
            return record(l -> l.repository(namespace, name));
        }

        @Override
        public Optional<AppBinding> appBinding(String namespace, String name) {
            return record(l -> l.appBinding(namespace, name));
        }
    }
}
