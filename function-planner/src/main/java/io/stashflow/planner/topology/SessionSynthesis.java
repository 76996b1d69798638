package io.stashflow.planner.topology;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.stashflow.api.model.BackupSession;
import io.stashflow.api.model.BackupSessionSpec;
import io.stashflow.api.model.InvokerRef;
import io.stashflow.api.model.RestoreSession;
import io.stashflow.events.SessionRequested;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The BackupSession or RestoreSession object a {@code SessionRequested} stands for, built for the resolver: Stash
 * resolves a session object, and in Stashflow the request is the session (nobody creates a BackupSession resource).
 */
final class SessionSynthesis {

    static final String STASH_API_VERSION = "stash.appscode.com/v1beta1";

    private SessionSynthesis() {
    }

    /**
     * A BackupSession with the request's name, namespace, labels, invoker and retryLeft, created at
     * {@code requestedAt}. No uid: nothing created it in an API server (the agent fills owner uids in).
     */
    static BackupSession backupSession(SessionRequested request) {
        var invoker = request.getInvoker();
        return new BackupSession(STASH_API_VERSION, "BackupSession", meta(request, null),
                new BackupSessionSpec(new InvokerRef(invoker.getApiGroup(), invoker.getKind(), invoker.getName()),
                        request.getRetryLeft()), null);
    }

    /**
     * The RestoreSession definition the request names (its invoker), under the request's session name, created at
     * {@code requestedAt}, with the request's labels added to its own.
     */
    static RestoreSession restoreSession(SessionRequested request, RestoreSession definition) {
        return new RestoreSession(definition.apiVersion(), definition.kind(), meta(request, definition.metadata()),
                definition.spec(), null);
    }

    private static ObjectMeta meta(SessionRequested request, ObjectMeta base) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (base != null && base.getLabels() != null) {
            labels.putAll(base.getLabels());
        }
        labels.putAll(request.getLabels());
        ObjectMetaBuilder builder = base == null ? new ObjectMetaBuilder() : new ObjectMetaBuilder(base);
        if (base != null && !request.getSessionName().equals(base.getName())) {
            // run under another name: the definition's uid belongs to the other object
            builder.withUid(null).withResourceVersion(null);
        }
        return builder
                .withName(request.getSessionName())
                .withNamespace(request.getNamespace())
                .withLabels(labels.isEmpty() ? null : labels)
                .withCreationTimestamp(timestamp(request.getRequestedAt()))
                .build();
    }

    /** RFC 3339 in whole seconds, as Kubernetes writes creationTimestamp. */
    static String timestamp(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}
