package io.stashflow.planner.topology;

import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.TargetStatus;
import io.stashflow.planner.lifecycle.SessionPhases;
import io.stashflow.planner.lifecycle.SessionType;
import io.stashflow.planner.lifecycle.TargetKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of a {@code SessionStatus} the planner keeps in its {@link StatusView}: session phase, per-target phases and
 * the invoker. Host stats and conditions stay behind.
 */
public record StatusDigest(String cluster, String namespace, String name, SessionType type, String invokerKind,
                           String invokerName, String phase, long updatedAtMillis, List<TargetPhase> targets) {

    /** One target's phase; the namespace is already defaulted to the session's. */
    public record TargetPhase(String kind, String namespace, String name, String phase) {
    }

    public StatusDigest {
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    static StatusDigest of(SessionStatus status) {
        var key = status.getSessionKey();
        List<TargetPhase> targets = new ArrayList<>();
        for (TargetStatus target : status.getTargets()) {
            var ref = target.getRef();
            String ns = ref.getNamespace() == null || ref.getNamespace().isEmpty() ? key.getNamespace()
                    : ref.getNamespace();
            targets.add(new TargetPhase(ref.getKind(), ns, ref.getName(), target.getPhase()));
        }
        return new StatusDigest(key.getCluster(), key.getNamespace(), key.getName(),
                key.getKind() == SessionKind.RESTORE ? SessionType.RESTORE : SessionType.BACKUP,
                status.getInvoker() == null ? null : status.getInvoker().getKind(),
                status.getInvoker() == null ? null : status.getInvoker().getName(),
                status.getPhase(), status.getUpdatedAt().toEpochMilli(), targets);
    }

    /**
     * Whether the planner acts on this status at all: a session that runs or ended, or one of whose targets completed
     * (the next member of a sequential BackupBatch may start). Other {@code Pending} statuses change nothing the rules
     * look at, and the view does not keep them.
     */
    static boolean relevant(SessionStatus status) {
        if (SessionPhases.RUNNING.equals(status.getPhase()) || SessionPhases.isFinal(status.getPhase())) {
            return true;
        }
        return status.getTargets().stream().anyMatch(t -> SessionPhases.isTargetComplete(t.getPhase()));
    }

    Map<TargetKey, String> targetPhases() {
        Map<TargetKey, String> phases = new LinkedHashMap<>();
        for (TargetPhase t : targets) {
            phases.put(new TargetKey(t.kind(), t.namespace(), t.name()), t.phase());
        }
        return phases;
    }
}
