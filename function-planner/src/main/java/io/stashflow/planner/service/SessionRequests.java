package io.stashflow.planner.service;

import io.stashflow.api.topics.RecordKeys;
import io.stashflow.events.InvokerRef;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionRequested;
import io.stashflow.planner.lifecycle.SessionNames;
import io.stashflow.planner.resolver.StashResolver;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code SessionRequested} events a person asks for ({@code stashflow trigger}), built the way Stash's
 * {@code kubectl stash trigger} builds its BackupSession: labels {@code app=stash} and the invoker type and name
 * (no target labels), no {@code retryLeft} unless asked for. Unlike the kubectl plugin (which uses
 * {@code generateName}), the name is {@code <invoker>-<unix seconds>}, as for scheduled sessions, so a request sent
 * twice within a second is one session.
 */
public final class SessionRequests {

    public static final String STASH_GROUP = "stash.appscode.com";

    private SessionRequests() {
    }

    /**
     * A backup of a BackupConfiguration or BackupBatch.
     *
     * @param sessionName the session's name, or null for {@code <invoker>-<unix seconds of now>}
     */
    public static SessionRequested backup(String cluster, String namespace, String invokerKind, String invokerName,
                                          int retryLeft, String sessionName, Instant now) {
        if (!StashResolver.KIND_BACKUP_CONFIGURATION.equals(invokerKind)
                && !StashResolver.KIND_BACKUP_BATCH.equals(invokerKind)) {
            throw new IllegalArgumentException("a backup is invoked by a BackupConfiguration or a BackupBatch, not "
                    + invokerKind);
        }
        if (retryLeft < 0) {
            throw new IllegalArgumentException("retryLeft must not be negative");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app", "stash");
        labels.put(StashResolver.LABEL_INVOKER_TYPE, invokerKind);
        labels.put(StashResolver.LABEL_INVOKER_NAME, invokerName);
        return validated(SessionRequested.newBuilder()
                .setCluster(cluster)
                .setNamespace(namespace)
                .setSessionName(sessionName != null ? sessionName : SessionNames.of(invokerName, now))
                .setKind(SessionKind.BACKUP)
                .setInvoker(InvokerRef.newBuilder().setApiGroup(STASH_GROUP).setKind(invokerKind)
                        .setName(invokerName).build())
                .setRetryLeft(retryLeft)
                .setRequestedAt(now)
                .setRequestedBy("cli")
                .setLabels(labels)
                .build());
    }

    /**
     * A run of a RestoreSession. Like in Stash a RestoreSession runs once under its own name; give
     * {@code sessionName} to run it again under another name.
     */
    public static SessionRequested restore(String cluster, String namespace, String restoreSession, String sessionName,
                                           Instant now) {
        return validated(SessionRequested.newBuilder()
                .setCluster(cluster)
                .setNamespace(namespace)
                .setSessionName(sessionName != null ? sessionName : restoreSession)
                .setKind(SessionKind.RESTORE)
                .setInvoker(InvokerRef.newBuilder().setApiGroup(STASH_GROUP)
                        .setKind(StashResolver.KIND_RESTORE_SESSION).setName(restoreSession).build())
                .setRetryLeft(0)
                .setRequestedAt(now)
                .setRequestedBy("cli")
                .setLabels(new LinkedHashMap<>())
                .build());
    }

    /** The record key: {@code cluster/namespace/session}. */
    public static String key(SessionRequested request) {
        return RecordKeys.of(request.getCluster(), request.getNamespace(), request.getSessionName());
    }

    private static SessionRequested validated(SessionRequested request) {
        key(request); // cluster, namespace and name must be non-empty and free of '/'
        return request;
    }

    /** {@code namespace/name} → [namespace, name]. */
    public static String[] namespaceAndName(String reference, String what) {
        int slash = reference == null ? -1 : reference.indexOf('/');
        if (slash <= 0 || slash == reference.length() - 1 || reference.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException(what + " '" + reference + "' must be NAMESPACE/NAME, e.g. demo/pg-backup");
        }
        return new String[] {reference.substring(0, slash), reference.substring(slash + 1)};
    }
}
