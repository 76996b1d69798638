package io.stashflow.planner.topology;

import io.stashflow.planner.lifecycle.InvokerView;
import io.stashflow.planner.lifecycle.SessionPhases;
import io.stashflow.planner.lifecycle.Stage;
import io.stashflow.planner.lifecycle.TargetKey;
import io.stashflow.planner.lifecycle.TargetSlot;
import io.stashflow.planner.lifecycle.TrackedSession;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * In-memory indexes over the sessions a planner task holds, so that each decision looks only at the sessions that
 * can matter to it instead of every session of the namespace: the sessions of one invoker that the reporter says are
 * Running (skip rule), the incomplete sessions of one target (cross-invoker rule), the waiting sessions of a namespace
 * (re-checks), and due retries. Sessions that ended, were skipped or rejected leave the indexes (the store still has
 * them, for duplicate detection). Rebuilt from the store whenever the task starts; not thread-safe (one per task).
 */
final class SessionIndex {

    /** Session key (cluster/namespace/name) → the indexed version of the session. */
    private final Map<String, Indexed> byKey = new HashMap<>();
    /** cluster/namespace → name → waiting session. */
    private final Map<String, Map<String, TrackedSession>> waiting = new HashMap<>();
    /** cluster/namespace/invokerKind/invokerName → name → session reported Running. */
    private final Map<String, Map<String, TrackedSession>> running = new HashMap<>();
    /** cluster/namespace|target → name → incomplete session with that target. */
    private final Map<String, Map<String, TrackedSession>> incompleteByTarget = new HashMap<>();
    /** Session key → due time of a retry not yet issued. */
    private final Map<String, Long> retriesDue = new HashMap<>();

    private record Indexed(String namespaceKey, TrackedSession session) {
    }

    /** Replaces what is indexed for the session {@code cluster/namespace/session.name()}; null removes it. */
    void update(String cluster, String namespace, String name, TrackedSession session) {
        String key = cluster + "/" + namespace + "/" + name;
        String namespaceKey = cluster + "/" + namespace;
        Indexed previous = byKey.remove(key);
        if (previous != null) {
            remove(previous.namespaceKey(), previous.session());
        }
        retriesDue.remove(key);
        if (session == null) {
            return;
        }
        if (session.retryDueMillis() != null && !session.retried()) {
            retriesDue.put(key, session.retryDueMillis());
        }
        if (!isLive(session)) {
            return;
        }
        byKey.put(key, new Indexed(namespaceKey, session));
        if (session.waiting()) {
            waiting.computeIfAbsent(namespaceKey, k -> new HashMap<>()).put(name, session);
        }
        if (SessionPhases.RUNNING.equals(session.reporterPhase())) {
            running.computeIfAbsent(invokerKey(namespaceKey, session.invokerKind(), session.invokerName()),
                    k -> new HashMap<>()).put(name, session);
        }
        if (session.incomplete()) {
            for (TargetSlot slot : session.targets()) {
                incompleteByTarget.computeIfAbsent(targetKey(namespaceKey, slot.ref()), k -> new HashMap<>())
                        .put(name, session);
            }
        }
    }

    private void remove(String namespaceKey, TrackedSession session) {
        removeFrom(waiting, namespaceKey, session.name());
        removeFrom(running, invokerKey(namespaceKey, session.invokerKind(), session.invokerName()), session.name());
        for (TargetSlot slot : session.targets()) {
            removeFrom(incompleteByTarget, targetKey(namespaceKey, slot.ref()), session.name());
        }
    }

    private static void removeFrom(Map<String, Map<String, TrackedSession>> index, String key, String name) {
        Map<String, TrackedSession> sessions = index.get(key);
        if (sessions != null) {
            sessions.remove(name);
            if (sessions.isEmpty()) {
                index.remove(key);
            }
        }
    }

    /** Sessions the rules must see: not over, and not skipped or rejected. */
    static boolean isLive(TrackedSession session) {
        return !session.ended()
                && (session.stage() == Stage.PENDING || session.stage() == Stage.PLANNED
                || session.stage() == Stage.OBSERVED);
    }

    /**
     * The sessions {@link io.stashflow.planner.lifecycle.ConcurrencyRules} needs for {@code candidate}: those of its
     * invoker reported Running, and the incomplete sessions of the targets the invoker shares with others.
     */
    Collection<TrackedSession> relevantTo(String cluster, String namespace, TrackedSession candidate,
                                          InvokerView invoker) {
        String namespaceKey = cluster + "/" + namespace;
        Map<String, TrackedSession> relevant = new LinkedHashMap<>();
        Map<String, TrackedSession> sameInvoker = running.get(invokerKey(namespaceKey, candidate.invokerKind(),
                candidate.invokerName()));
        if (sameInvoker != null) {
            relevant.putAll(sameInvoker);
        }
        for (TargetKey target : invoker.sharedTargets()) {
            Map<String, TrackedSession> sharing = incompleteByTarget.get(targetKey(namespaceKey, target));
            if (sharing != null) {
                relevant.putAll(sharing);
            }
        }
        relevant.remove(candidate.name());
        return relevant.values();
    }

    /** The waiting sessions of a namespace, oldest first (equal times by name). */
    List<TrackedSession> waiting(String cluster, String namespace) {
        Map<String, TrackedSession> sessions = waiting.get(cluster + "/" + namespace);
        if (sessions == null) {
            return List.of();
        }
        List<TrackedSession> ordered = new ArrayList<>(sessions.values());
        ordered.sort(Comparator.comparing((TrackedSession s) -> s.requestedAtMillis() == null ? Long.MAX_VALUE
                : s.requestedAtMillis()).thenComparing(TrackedSession::name));
        return ordered;
    }

    /** {@code cluster/namespace} of every namespace with waiting sessions. */
    Set<String> namespacesWithWaitingSessions() {
        return new TreeSet<>(waiting.keySet());
    }

    /** Keys of sessions whose retry is due at {@code nowMillis}, in key order. */
    List<String> dueRetries(long nowMillis) {
        List<String> due = new ArrayList<>();
        retriesDue.forEach((key, at) -> {
            if (at <= nowMillis) {
                due.add(key);
            }
        });
        due.sort(null);
        return due;
    }

    /** How many sessions are indexed (live). */
    int size() {
        return byKey.size();
    }

    private static String invokerKey(String namespaceKey, String kind, String name) {
        return namespaceKey + "/" + kind + "/" + name;
    }

    private static String targetKey(String namespaceKey, TargetKey target) {
        return namespaceKey + "|" + target.kind() + "/" + target.namespace() + "/" + target.name();
    }
}
