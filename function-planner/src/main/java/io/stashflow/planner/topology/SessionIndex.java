package io.stashflow.planner.topology;

import io.stashflow.planner.lifecycle.InvokerView;
import io.stashflow.planner.lifecycle.SessionPhases;
import io.stashflow.planner.lifecycle.Stage;
import io.stashflow.planner.lifecycle.TargetKey;
import io.stashflow.planner.lifecycle.TargetSlot;
import io.stashflow.planner.lifecycle.TrackedSession;
import io.stashflow.planner.topology.IndexKeys.Invoker;
import io.stashflow.planner.topology.IndexKeys.NamespaceKey;
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

    /**
     * The sessions of one namespace. Keyed by the session's name and by objects (records of strings whose hashes
     * the strings cache) rather than by joined strings: every planned session passes through here.
     */
    private static final class Namespace {
        /** name → the indexed (live) version of the session */
        final Map<String, TrackedSession> live = new HashMap<>();
        /** name → waiting session */
        final Map<String, TrackedSession> waiting = new HashMap<>();
        /** invoker → name → session reported Running */
        final Map<Invoker, Map<String, TrackedSession>> running = new HashMap<>();
        /** target → name → incomplete session with that target */
        final Map<TargetKey, Map<String, TrackedSession>> incompleteByTarget = new HashMap<>();
        /** name → due time of a retry not yet issued */
        final Map<String, Long> retriesDue = new HashMap<>();

        boolean isEmpty() {
            return live.isEmpty() && retriesDue.isEmpty();
        }
    }

    private final Map<NamespaceKey, Namespace> namespaces = new HashMap<>();
    private int size;

    /** {@link #update(String, String, String, TrackedSession, boolean)} with its targets indexed. */
    void update(String cluster, String namespace, String name, TrackedSession session) {
        update(cluster, namespace, name, session, true);
    }

    /**
     * Replaces what is indexed for the session {@code cluster/namespace/session.name()}; null removes it.
     *
     * @param indexTargets whether the rules may ask for the session by target: only when its invoker shares a target
     *                     with another invoker ({@link #relevantTo} asks only for shared targets), so that the
     *                     sessions of every other invoker, nearly all of them, cost nothing here once planned
     */
    void update(String cluster, String namespace, String name, TrackedSession session, boolean indexTargets) {
        NamespaceKey namespaceKey = new NamespaceKey(cluster, namespace);
        Namespace sessions = namespaces.get(namespaceKey);
        if (sessions != null) {
            TrackedSession previous = sessions.live.remove(name);
            if (previous != null) {
                size--;
                remove(sessions, previous);
            }
            sessions.retriesDue.remove(name);
        }
        if (session == null || !isLive(session) && (session.retryDueMillis() == null || session.retried())) {
            if (sessions != null && sessions.isEmpty()) {
                namespaces.remove(namespaceKey);
            }
            return;
        }
        if (sessions == null) {
            sessions = new Namespace();
            namespaces.put(namespaceKey, sessions);
        }
        if (session.retryDueMillis() != null && !session.retried()) {
            sessions.retriesDue.put(name, session.retryDueMillis());
        }
        if (!isLive(session)) {
            return;
        }
        boolean waiting = session.waiting();
        boolean running = SessionPhases.RUNNING.equals(session.reporterPhase());
        boolean byTarget = indexTargets && session.incomplete();
        if (!waiting && !running && !byTarget) {
            if (sessions.isEmpty()) {
                namespaces.remove(namespaceKey);
            }
            return;
        }
        sessions.live.put(name, session);
        size++;
        if (waiting) {
            sessions.waiting.put(name, session);
        }
        if (running) {
            sessions.running.computeIfAbsent(new Invoker(session.invokerKind(), session.invokerName()),
                    k -> new HashMap<>()).put(name, session);
        }
        if (byTarget) {
            for (TargetSlot slot : session.targets()) {
                sessions.incompleteByTarget.computeIfAbsent(slot.ref(), k -> new HashMap<>()).put(name, session);
            }
        }
    }

    private static void remove(Namespace sessions, TrackedSession session) {
        sessions.waiting.remove(session.name());
        removeFrom(sessions.running, new Invoker(session.invokerKind(), session.invokerName()), session.name());
        for (TargetSlot slot : session.targets()) {
            removeFrom(sessions.incompleteByTarget, slot.ref(), session.name());
        }
    }

    private static <K> void removeFrom(Map<K, Map<String, TrackedSession>> index, K key, String name) {
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
        Namespace sessions = namespaces.get(new NamespaceKey(cluster, namespace));
        if (sessions == null) {
            return List.of();
        }
        Map<String, TrackedSession> sameInvoker = sessions.running.get(new Invoker(candidate.invokerKind(),
                candidate.invokerName()));
        if ((sameInvoker == null || sameInvoker.isEmpty()) && invoker.sharedTargets().isEmpty()) {
            return List.of();
        }
        Map<String, TrackedSession> relevant = new LinkedHashMap<>();
        if (sameInvoker != null) {
            relevant.putAll(sameInvoker);
        }
        for (TargetKey target : invoker.sharedTargets()) {
            Map<String, TrackedSession> sharing = sessions.incompleteByTarget.get(target);
            if (sharing != null) {
                relevant.putAll(sharing);
            }
        }
        relevant.remove(candidate.name());
        return relevant.values();
    }

    /** The waiting sessions of a namespace, oldest first (equal times by name). */
    List<TrackedSession> waiting(String cluster, String namespace) {
        Namespace sessions = namespaces.get(new NamespaceKey(cluster, namespace));
        if (sessions == null || sessions.waiting.isEmpty()) {
            return List.of();
        }
        List<TrackedSession> ordered = new ArrayList<>(sessions.waiting.values());
        ordered.sort(Comparator.comparing((TrackedSession s) -> s.requestedAtMillis() == null ? Long.MAX_VALUE
                : s.requestedAtMillis()).thenComparing(TrackedSession::name));
        return ordered;
    }

    /** {@code cluster/namespace} of every namespace with waiting sessions. */
    Set<String> namespacesWithWaitingSessions() {
        Set<String> keys = new TreeSet<>();
        namespaces.forEach((key, sessions) -> {
            if (!sessions.waiting.isEmpty()) {
                keys.add(key.toString());
            }
        });
        return keys;
    }

    /** Keys of sessions whose retry is due at {@code nowMillis}, in key order. */
    List<String> dueRetries(long nowMillis) {
        List<String> due = new ArrayList<>();
        namespaces.forEach((key, sessions) -> sessions.retriesDue.forEach((name, at) -> {
            if (at <= nowMillis) {
                due.add(key + "/" + name);
            }
        }));
        due.sort(null);
        return due;
    }

    /** How many sessions are indexed: live, and waiting, running or held for a shared target. */
    int size() {
        return size;
    }
}
