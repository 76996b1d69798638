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
import io.stashflow.events.PodPlan;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionRequested;
import io.stashflow.planner.definitions.DefinitionsView;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
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
    private static final Pattern SIMPLE_NAME = Pattern.compile("[a-z0-9.-]+");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What happened to one session's lookup, for metrics. */
    enum Outcome {
        /** rendered from an entry */
        HIT,
        /** resolved, and an entry was made (or could not be made) */
        MISS,
        /** resolved: the invoker's plans use the session name in a way that cannot be substituted */
        NOT_REUSABLE,
        /** resolved: a restore, or a session name outside the cache's alphabet */
        PLAIN
    }

    /** The plans of one session, one per target; a resolved pod is mapped when asked for (mapping can fail). */
    interface SessionPlans {
        int size();

        boolean has(int targetIndex);

        /** @throws PodPlanMappingException when the pod uses a field a plan cannot carry */
        TargetPlan target(int targetIndex);
    }

    private record Key(String cluster, String namespace, String invokerKind, String invokerName, int retryLeft) {
    }

    /** A definition lookup the entry's resolution made, and the object it found (null for none). */
    private record Read(java.util.function.Function<DefinitionLookup, Optional<?>> lookup, Object found) {
    }

    /** An entry: the reads it depends on, and its targets' templates (null when not reusable). */
    private record Entry(List<Read> reads, List<TargetTemplate> targets) {
        boolean reusable() {
            return targets != null;
        }
    }

    private record TargetTemplate(int targetIndex, PodPlanTemplate pod, List<String> podSecurityPolicyNames,
                                  String timeOut) {
    }

    private final DefinitionsView view;
    private final ResolverSettings settings;
    private final int capacity;
    private final String standIn;
    private final Map<String, StashResolver> resolvers = new HashMap<>();
    private final Map<Key, Entry> entries;
    private final Map<Outcome, Long> outcomes = new java.util.EnumMap<>(Outcome.class);

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
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > PlanCache.this.capacity;
            }
        };
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
                || !SIMPLE_NAME.matcher(request.getSessionName()).matches()) {
            return counted(Outcome.PLAIN, onOutcome, plain(cluster, request));
        }
        Key key = new Key(cluster, request.getNamespace(), request.getInvoker().getKind(),
                request.getInvoker().getName(), request.getRetryLeft());
        Entry entry = entries.get(key);
        if (entry != null) {
            if (stillValid(entry.reads(), cluster)) {
                if (entry.reusable()) {
                    return counted(Outcome.HIT, onOutcome, rendered(entry, request.getSessionName()));
                }
                return counted(Outcome.NOT_REUSABLE, onOutcome, plain(cluster, request));
            }
            entries.remove(key);
        }
        return counted(Outcome.MISS, onOutcome, build(cluster, key, request));
    }

    /** How often each outcome happened so far (for tests). */
    Map<Outcome, Long> outcomes() {
        return Map.copyOf(outcomes);
    }

    private SessionPlans counted(Outcome outcome, java.util.function.Consumer<Outcome> onOutcome,
                                 SessionPlans plans) {
        outcomes.merge(outcome, 1L, Long::sum);
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
        if (!stillValid(entry.reads(), cluster)) {
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

    private boolean stillValid(List<Read> reads, String cluster) {
        DefinitionLookup current = view.lookup(cluster);
        try {
            for (Read read : reads) {
                if (read.lookup().apply(current).orElse(null) != read.found()) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException e) {
            // unreadable now: the plain path says so
            return false;
        }
    }

    private static RenderedPlans rendered(Entry entry, String sessionName) {
        List<TargetPlan> plans = new ArrayList<>(entry.targets().size());
        for (TargetTemplate target : entry.targets()) {
            PodPlan pod = target.pod().render(ResourceNames.backupPodName(sessionName, target.targetIndex()),
                    sessionName);
            plans.add(new TargetPlan(target.targetIndex(), pod, target.podSecurityPolicyNames(), null,
                    target.timeOut()));
        }
        return new RenderedPlans(plans);
    }

    /** Whether the rendered plans are, serialised, the plain ones. */
    private static boolean sameBytes(RenderedPlans rendered, PlainPlans plain) {
        if (rendered.size() != plain.size()) {
            return false;
        }
        for (TargetPlan target : rendered.plans) {
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

    private static final class RenderedPlans implements SessionPlans {
        private final List<TargetPlan> plans;

        RenderedPlans(List<TargetPlan> plans) {
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
            return plans.stream().filter(p -> p.targetIndex() == targetIndex).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no target " + targetIndex));
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
