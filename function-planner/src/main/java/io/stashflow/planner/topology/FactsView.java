package io.stashflow.planner.topology;

import io.stashflow.api.topics.RecordKeys;
import io.stashflow.planner.lifecycle.TargetKey;
import io.stashflow.planner.lifecycle.TargetSlot;
import io.stashflow.planner.lifecycle.TrackedSession;
import io.stashflow.planner.topology.IndexKeys.NamespaceKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The incomplete sessions that planner tasks hold for targets several invokers back up, as the tasks publish them
 * to the planner's facts topic: a task decides about the sessions whose keys Kafka gave it, and Stash's rule for a
 * shared target (another invoker's older or running session goes first) needs the sessions other tasks hold. Kafka
 * Streams feeds it from a global store, replaying the compacted topic before any task starts; a fact reaches the
 * other tasks once its task commits, well within the two seconds a new session of a shared target waits
 * ({@link io.stashflow.planner.lifecycle.ConcurrencyRules#CONCURRENT_SESSION_GRACE}), as Stash's requeue does.
 *
 * <p>Written by the global thread, read by the stream threads.
 */
final class FactsView {

    private final Set<String> clusters;
    private final StatusView statuses;
    /** session key → the fact */
    private final Map<String, TrackedSession> facts = new ConcurrentHashMap<>();
    /** namespace → target → session name → fact */
    private final Map<NamespaceKey, Map<TargetKey, Map<String, TrackedSession>>> byTarget = new ConcurrentHashMap<>();

    /**
     * @param clusters the clusters this planner serves (facts of others are ignored)
     * @param statuses told when a fact changes a namespace, so that tasks look at their waiting sessions there
     */
    FactsView(Set<String> clusters, StatusView statuses) {
        this.clusters = Set.copyOf(clusters);
        this.statuses = statuses;
    }

    /**
     * Applies one record of the facts topic.
     *
     * @param key  {@code cluster/namespace/name}
     * @param fact the session as its task holds it, or null when it no longer holds it back or runs it
     */
    void apply(String key, TrackedSession fact) {
        RecordKeys.Parts parts;
        try {
            parts = RecordKeys.parse(key);
        } catch (IllegalArgumentException e) {
            return;
        }
        if (!clusters.contains(parts.cluster())) {
            return;
        }
        NamespaceKey namespace = new NamespaceKey(parts.cluster(), parts.namespace());
        TrackedSession previous = fact == null ? facts.remove(key) : facts.put(key, fact);
        if (previous != null) {
            Map<TargetKey, Map<String, TrackedSession>> targets = byTarget.get(namespace);
            if (targets != null) {
                for (TargetSlot slot : previous.targets()) {
                    Map<String, TrackedSession> named = targets.get(slot.ref());
                    if (named != null) {
                        named.remove(previous.name());
                    }
                }
            }
        }
        if (fact != null && fact.incomplete()) {
            Map<TargetKey, Map<String, TrackedSession>> targets = byTarget.computeIfAbsent(namespace,
                    k -> new ConcurrentHashMap<>());
            for (TargetSlot slot : fact.targets()) {
                targets.computeIfAbsent(slot.ref(), k -> new ConcurrentHashMap<>()).put(fact.name(), fact);
            }
        }
        statuses.namespaceChanged(parts.cluster(), parts.namespace());
    }

    /** Whether a fact of the session is published. */
    boolean has(String sessionKey) {
        return facts.containsKey(sessionKey);
    }

    /** The incomplete sessions with {@code target} that tasks published. */
    Collection<TrackedSession> incomplete(String cluster, String namespace, TargetKey target) {
        Map<TargetKey, Map<String, TrackedSession>> targets = byTarget.get(new NamespaceKey(cluster, namespace));
        Map<String, TrackedSession> named = targets == null ? null : targets.get(target);
        return named == null || named.isEmpty() ? List.of() : new ArrayList<>(named.values());
    }
}
