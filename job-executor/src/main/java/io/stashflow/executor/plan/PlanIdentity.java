package io.stashflow.executor.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stashflow.events.InvokerRef;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.PlanTarget;
import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionKind;
import io.stashflow.events.TargetRef;
import io.stashflow.api.topics.RecordKeys;
import java.time.Instant;
import java.util.Objects;

/**
 * Everything about a plan that a step outcome repeats, kept next to the run (a pod annotation, a local run file) so an
 * agent that restarts can report outcomes for runs it did not start itself, without re-reading the plan.
 *
 * <p>Plain strings and numbers only: it is written as JSON into places other tools read.
 */
public record PlanIdentity(
        String planId,
        String cluster,
        String namespace,
        String sessionName,
        SessionKind sessionKind,
        String invokerApiGroup,
        String invokerKind,
        String invokerName,
        String targetApiVersion,
        String targetKind,
        String targetName,
        String targetNamespace,
        int targetIndex,
        int totalTargets,
        String repositoryName,
        Long deadlineMillis,
        Integer backupHistoryLimit,
        int attempt,
        long plannedAtMillis) {

    /** Stash's default {@code backupHistoryLimit}. */
    public static final int DEFAULT_HISTORY_LIMIT = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public PlanIdentity {
        Objects.requireNonNull(planId, "planId");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(sessionName, "sessionName");
        Objects.requireNonNull(sessionKind, "sessionKind");
    }

    public static PlanIdentity of(JobPlanned plan, int attempt) {
        SessionKey s = plan.getSessionKey();
        InvokerRef i = plan.getInvoker();
        PlanTarget t = plan.getTarget();
        return new PlanIdentity(plan.getPlanId(), s.getCluster(), s.getNamespace(), s.getName(), s.getKind(),
                i.getApiGroup(), i.getKind(), i.getName(),
                t.getRef().getApiVersion(), t.getRef().getKind(), t.getRef().getName(), t.getRef().getNamespace(),
                t.getIndex(), t.getTotalTargets(), plan.getRepositoryName(),
                plan.getDeadline() == null ? null : plan.getDeadline().toEpochMilli(),
                plan.getBackupHistoryLimit(), attempt, plan.getPlannedAt().toEpochMilli());
    }

    public SessionKey sessionKey() {
        return SessionKey.newBuilder().setCluster(cluster).setNamespace(namespace).setName(sessionName)
                .setKind(sessionKind).build();
    }

    /** {@code cluster/namespace/session}, the key of every record about the session. */
    public String recordKey() {
        return RecordKeys.of(cluster, namespace, sessionName);
    }

    public InvokerRef invoker() {
        return InvokerRef.newBuilder().setApiGroup(nullToEmpty(invokerApiGroup)).setKind(nullToEmpty(invokerKind))
                .setName(nullToEmpty(invokerName)).build();
    }

    public PlanTarget target() {
        return PlanTarget.newBuilder()
                .setRef(TargetRef.newBuilder().setApiVersion(nullToEmpty(targetApiVersion)).setKind(nullToEmpty(targetKind))
                        .setName(nullToEmpty(targetName)).setNamespace(nullToEmpty(targetNamespace)).build())
                .setIndex(targetIndex)
                .setTotalTargets(totalTargets)
                .build();
    }

    public Instant deadline() {
        return deadlineMillis == null ? null : Instant.ofEpochMilli(deadlineMillis);
    }

    /** The invoker's history limit, Stash's default 1 when the plan has none. */
    public int historyLimit() {
        return backupHistoryLimit == null ? DEFAULT_HISTORY_LIMIT : backupHistoryLimit;
    }

    /** Groups runs for history cleanup: namespace/invoker kind/invoker name. */
    public String invokerKey() {
        return namespace + "/" + invokerKind + "/" + invokerName;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write plan identity of " + planId, e);
        }
    }

    /** @throws IllegalArgumentException when the text is not a plan identity */
    public static PlanIdentity fromJson(String json) {
        try {
            return JSON.readValue(json, PlanIdentity.class);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("not a plan identity: " + e.getMessage(), e);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
