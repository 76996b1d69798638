package io.stashflow.executor.mirror;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.stashflow.events.InvokerRef;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionRequested;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a BackupSession or RestoreSession object found in the cluster (made by Stash's CronJob trigger or by
 * {@code kubectl}) into the {@link SessionRequested} the planner consumes. Pure.
 *
 * <p>Not requested: objects already requested (annotation {@value #REQUESTED_ANNOTATION}), objects whose status has
 * a phase (something already runs them), and objects Stashflow made itself (label
 * {@code app.kubernetes.io/managed-by=stashflow}), whose request went to Kafka directly.
 */
public final class SessionRequests {

    /** Set on the object, to the request time, once its request is durable in Kafka. */
    public static final String REQUESTED_ANNOTATION = "stashflow.io/session-requested";

    private SessionRequests() {
    }

    /** What to do with one session object. */
    public sealed interface Decision permits Request, Skip, Invalid {
    }

    public record Request(SessionRequested event) implements Decision {
    }

    public record Skip(String why) implements Decision {
    }

    public record Invalid(String reason) implements Decision {
    }

    public static Decision decide(GenericKubernetesResource object, String cluster, Instant now) {
        String kind = object.getKind();
        var meta = object.getMetadata();
        String where = kind + " " + meta.getNamespace() + "/" + meta.getName();
        Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
        Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
        if (annotations.containsKey(REQUESTED_ANNOTATION)) {
            return new Skip(where + " was requested before");
        }
        if ("stashflow".equals(labels.get("app.kubernetes.io/managed-by"))) {
            return new Skip(where + " was made by Stashflow");
        }
        Object status = object.getAdditionalProperties().get("status");
        if (status instanceof Map<?, ?> s && s.get("phase") instanceof String phase && !phase.isEmpty()) {
            return new Skip(where + " already has phase " + phase);
        }
        Map<?, ?> spec = object.getAdditionalProperties().get("spec") instanceof Map<?, ?> m ? m : Map.of();
        InvokerRef invoker;
        SessionKind sessionKind;
        if (StashKinds.BACKUP_SESSION.kind().equals(kind)) {
            sessionKind = SessionKind.BACKUP;
            Map<?, ?> inv = spec.get("invoker") instanceof Map<?, ?> i ? i : null;
            String invKind = inv == null ? null : string(inv.get("kind"));
            String invName = inv == null ? null : string(inv.get("name"));
            if (invKind == null || invName == null) {
                return new Invalid(where + " has no spec.invoker.kind and spec.invoker.name; set them to the"
                        + " BackupConfiguration (or BackupBatch) that the session runs");
            }
            String group = inv.get("apiGroup") == null ? StashKinds.STASH : string(inv.get("apiGroup"));
            invoker = InvokerRef.newBuilder().setApiGroup(group).setKind(invKind).setName(invName).build();
        } else if (StashKinds.RESTORE_SESSION.kind().equals(kind)) {
            sessionKind = SessionKind.RESTORE;
            invoker = InvokerRef.newBuilder().setApiGroup(StashKinds.STASH).setKind(kind).setName(meta.getName()).build();
        } else {
            return new Skip(where + " is not a session");
        }
        int retryLeft = spec.get("retryLeft") instanceof Number n ? n.intValue() : 0;
        Instant created = parse(meta.getCreationTimestamp()).orElse(now);
        return new Request(SessionRequested.newBuilder()
                .setCluster(cluster)
                .setNamespace(meta.getNamespace())
                .setSessionName(meta.getName())
                .setKind(sessionKind)
                .setInvoker(invoker)
                .setRetryLeft(retryLeft)
                .setRequestedAt(created)
                .setRequestedBy("agent:" + cluster)
                .setLabels(new LinkedHashMap<>(labels))
                .setRetryOf(null)
                .build());
    }

    private static String string(Object o) {
        return o instanceof String s && !s.isEmpty() ? s : null;
    }

    private static Optional<Instant> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
