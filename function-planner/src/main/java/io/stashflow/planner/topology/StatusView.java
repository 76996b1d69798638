package io.stashflow.planner.topology;

import io.stashflow.planner.lifecycle.SessionPhases;
import io.stashflow.planner.lifecycle.TargetKey;
import io.stashflow.planner.topology.IndexKeys.Invoker;
import io.stashflow.planner.topology.IndexKeys.NamespaceKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What {@code stash.session-status} says about the sessions of the clusters this planner serves, for every planner
 * task at once: the latest status of each session that matters to the rules (running, ended, or with a completed
 * target; see {@link StatusDigest#relevant}), indexed the way the rules ask. Kafka Streams feeds it from a global
 * store on its global thread, replaying the whole compacted topic before any task starts, so a task that starts (or
 * catches up after a restart) knows every status written before it, as Stash's controller knows every BackupSession
 * from its cache. The topic is small: status-reporter deletes statuses beyond each invoker's history limit.
 *
 * <p>Tasks ask it two ways: the rules read it directly ({@link #running}, {@link #incomplete}), and every task of the
 * instance is handed each new status through its {@link Subscription}, in the order they were written, to take on its
 * own stream thread those of the sessions it owns (statuses are a few per session, so handing all of them to every
 * task costs less than registering who owns what); a subscription also collects the namespaces whose statuses
 * changed, so that a task can look again at the sessions it keeps waiting there.
 *
 * <p>Written by one thread (the global thread), read by any; every structure is concurrent.
 */
final class StatusView {

    /** The indexes of one namespace: session name → digest. */
    private static final class Namespace {
        final Map<Invoker, Map<String, StatusDigest>> running = new ConcurrentHashMap<>();
        final Map<TargetKey, Map<String, StatusDigest>> incomplete = new ConcurrentHashMap<>();
    }

    private final Set<String> clusters;
    private final Map<String, StatusDigest> latest = new ConcurrentHashMap<>();
    private final Map<NamespaceKey, Namespace> namespaces = new ConcurrentHashMap<>();
    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();

    /** @param clusters the clusters whose statuses are kept (the planner's) */
    StatusView(Set<String> clusters) {
        this.clusters = Set.copyOf(clusters);
    }

    /**
     * Applies one record of the topic.
     *
     * @param key    {@code cluster/namespace/name}
     * @param digest the status, or null for a tombstone (status-reporter deleted the session)
     */
    void apply(String key, StatusDigest digest) {
        if (digest != null && !clusters.contains(digest.cluster())) {
            return;
        }
        StatusDigest previous = digest == null ? latest.remove(key) : latest.put(key, digest);
        if (previous != null) {
            unindex(previous);
        }
        if (digest == null) {
            if (previous != null) {
                namespaceChanged(previous.cluster(), previous.namespace());
            }
            return;
        }
        index(digest);
        for (Subscription subscription : subscriptions) {
            subscription.statuses.add(digest);
        }
        namespaceChanged(digest.cluster(), digest.namespace());
    }

    /** Tells every subscription that something in a namespace changed (a status, or a fact of another task). */
    void namespaceChanged(String cluster, String namespace) {
        String namespaceKey = cluster + "/" + namespace;
        for (Subscription subscription : subscriptions) {
            subscription.changedNamespaces.add(namespaceKey);
        }
    }

    private void index(StatusDigest digest) {
        Namespace sessions = namespaces.computeIfAbsent(new NamespaceKey(digest.cluster(), digest.namespace()),
                k -> new Namespace());
        if (SessionPhases.RUNNING.equals(digest.phase())) {
            sessions.running.computeIfAbsent(new Invoker(digest.invokerKind(), digest.invokerName()),
                    k -> new ConcurrentHashMap<>()).put(digest.name(), digest);
        }
        if (!SessionPhases.isFinal(digest.phase())) {
            for (StatusDigest.TargetPhase target : digest.targets()) {
                sessions.incomplete.computeIfAbsent(new TargetKey(target.kind(), target.namespace(), target.name()),
                        k -> new ConcurrentHashMap<>()).put(digest.name(), digest);
            }
        }
    }

    private void unindex(StatusDigest digest) {
        Namespace sessions = namespaces.get(new NamespaceKey(digest.cluster(), digest.namespace()));
        if (sessions == null) {
            return;
        }
        removeFrom(sessions.running, new Invoker(digest.invokerKind(), digest.invokerName()), digest.name());
        for (StatusDigest.TargetPhase target : digest.targets()) {
            removeFrom(sessions.incomplete, new TargetKey(target.kind(), target.namespace(), target.name()),
                    digest.name());
        }
    }

    private static <K> void removeFrom(Map<K, Map<String, StatusDigest>> index, K key, String name) {
        Map<String, StatusDigest> named = index.get(key);
        if (named != null) {
            named.remove(name);
            // an empty map is left in place: removing it could race with the put of another session's status
        }
    }

    /** The latest status of a session, or null. */
    StatusDigest latest(String cluster, String namespace, String name) {
        return latest.get(cluster + "/" + namespace + "/" + name);
    }

    /** The sessions of an invoker reported {@code Running}. */
    Collection<StatusDigest> running(String cluster, String namespace, String invokerKind, String invokerName) {
        Namespace sessions = namespaces.get(new NamespaceKey(cluster, namespace));
        Map<String, StatusDigest> named = sessions == null ? null
                : sessions.running.get(new Invoker(invokerKind, invokerName));
        return named == null || named.isEmpty() ? List.of() : new ArrayList<>(named.values());
    }

    /** The sessions with {@code target} whose latest status is not final. */
    Collection<StatusDigest> incomplete(String cluster, String namespace, TargetKey target) {
        Namespace sessions = namespaces.get(new NamespaceKey(cluster, namespace));
        Map<String, StatusDigest> named = sessions == null ? null : sessions.incomplete.get(target);
        return named == null || named.isEmpty() ? List.of() : new ArrayList<>(named.values());
    }

    /** How many sessions have a status. */
    int size() {
        return latest.size();
    }

    /** A task's line to the view; close it when the task closes. */
    Subscription subscribe() {
        Subscription subscription = new Subscription();
        subscriptions.add(subscription);
        return subscription;
    }

    /** What one task was handed since it last looked. Used by that task's thread only. */
    final class Subscription implements AutoCloseable {
        private final Queue<StatusDigest> statuses = new ConcurrentLinkedQueue<>();
        private final Set<String> changedNamespaces = ConcurrentHashMap.newKeySet();

        private Subscription() {
        }

        /** The next status handed to this task, or null. */
        StatusDigest nextStatus() {
            return statuses.poll();
        }

        /**
         * Every status the view holds now, for a task that starts (or starts again): what it took before may not
         * have been committed.
         */
        Collection<StatusDigest> current() {
            return new ArrayList<>(latest.values());
        }

        /** The namespaces ({@code cluster/namespace}) whose statuses changed since the last call. */
        List<String> drainChangedNamespaces() {
            if (changedNamespaces.isEmpty()) {
                return List.of();
            }
            List<String> drained = new ArrayList<>();
            for (String namespace : changedNamespaces) {
                if (changedNamespaces.remove(namespace)) {
                    drained.add(namespace);
                }
            }
            return drained;
        }

        @Override
        public void close() {
            subscriptions.remove(this);
            statuses.clear();
        }
    }
}
