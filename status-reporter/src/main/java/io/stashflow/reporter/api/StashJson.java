package io.stashflow.reporter.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stashflow.events.Condition;
import io.stashflow.events.FileStats;
import io.stashflow.events.HostStats;
import io.stashflow.events.InvokerRef;
import io.stashflow.events.RepositoryStatus;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionRequested;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.SnapshotStats;
import io.stashflow.events.StepOutcome;
import io.stashflow.events.TargetRef;
import io.stashflow.events.TargetStatus;
import io.stashflow.events.TypedObjectRef;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Renders Stashflow's status records as the Stash objects users and tools know: {@code BackupSession} and
 * {@code RestoreSession} ({@code stash.appscode.com/v1beta1}) and {@code Repository} ({@code v1alpha1}), with
 * {@code status} following Stash's schema field for field (empty fields omitted, as Go's {@code omitempty} does; times
 * as RFC 3339 seconds, as {@code metav1.Time}). The same {@code status} objects are what the cluster agent merge-patches
 * onto the real resources.
 *
 * <p>A RestoreSession's status is flat in Stash ({@code totalHosts}, {@code stats}, {@code conditions}); its one
 * target's entries are lifted to the top, target and session conditions together.
 */
public final class StashJson {

    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final String CLUSTER_ANNOTATION = "stashflow.io/cluster";

    private StashJson() {
    }

    public static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** A whole session object. {@code request} may be null (then labels are unknown); {@code steps} may be null. */
    public static ObjectNode session(SessionStatus status, SessionRequested request, Collection<StepOutcome> steps) {
        boolean backup = status.getSessionKey().getKind() == SessionKind.BACKUP;
        ObjectNode root = MAPPER.createObjectNode();
        root.put("apiVersion", "stash.appscode.com/v1beta1");
        root.put("kind", backup ? "BackupSession" : "RestoreSession");
        ObjectNode metadata = root.putObject("metadata");
        metadata.put("name", status.getSessionKey().getName());
        metadata.put("namespace", status.getSessionKey().getNamespace());
        if (status.getCreatedAt() != null) {
            metadata.put("creationTimestamp", time(status.getCreatedAt()));
        }
        if (request != null && !request.getLabels().isEmpty()) {
            ObjectNode labels = metadata.putObject("labels");
            request.getLabels().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> labels.put(e.getKey(), e.getValue()));
        }
        metadata.putObject("annotations").put(CLUSTER_ANNOTATION, status.getSessionKey().getCluster());
        ObjectNode spec = root.putObject("spec");
        if (backup && status.getInvoker() != null) {
            InvokerRef invoker = status.getInvoker();
            ObjectNode inv = spec.putObject("invoker");
            inv.put("apiGroup", invoker.getApiGroup());
            inv.put("kind", invoker.getKind());
            inv.put("name", invoker.getName());
            if (request != null) {
                spec.put("retryLeft", request.getRetryLeft());
            }
        }
        root.set("status", backup ? backupStatus(status) : restoreStatus(status));
        if (steps != null) {
            root.set("steps", steps(steps));
        }
        return root;
    }

    /** {@code BackupSessionStatus}. */
    public static ObjectNode backupStatus(SessionStatus status) {
        ObjectNode out = MAPPER.createObjectNode();
        putIfSet(out, "phase", status.getPhase());
        putIfSet(out, "sessionDuration", status.getSessionDuration());
        if (!status.getTargets().isEmpty()) {
            ArrayNode targets = out.putArray("targets");
            for (TargetStatus t : status.getTargets()) {
                ObjectNode target = targets.addObject();
                target.set("ref", targetRef(t.getRef()));
                if (t.getTotalHosts() != null) {
                    target.put("totalHosts", t.getTotalHosts());
                }
                putIfSet(target, "phase", t.getPhase());
                if (!t.getStats().isEmpty()) {
                    ArrayNode stats = target.putArray("stats");
                    t.getStats().forEach(h -> stats.add(hostStats(h, true)));
                }
                strings(target, "preBackupActions", t.getPreBackupActions());
                strings(target, "postBackupActions", t.getPostBackupActions());
                conditions(target, t.getConditions());
            }
        }
        conditions(out, status.getConditions());
        if (status.getSessionDeadline() != null) {
            out.put("sessionDeadline", time(status.getSessionDeadline()));
        }
        if (status.getRetried() != null) {
            out.put("retried", status.getRetried());
        }
        if (status.getNextRetry() != null) {
            out.put("nextRetry", time(status.getNextRetry()));
        }
        return out;
    }

    /** {@code RestoreSessionStatus}: flat, one target. */
    public static ObjectNode restoreStatus(SessionStatus status) {
        ObjectNode out = MAPPER.createObjectNode();
        putIfSet(out, "phase", status.getPhase());
        Integer totalHosts = status.getTotalHosts();
        if (totalHosts == null && !status.getTargets().isEmpty()) {
            totalHosts = status.getTargets().get(0).getTotalHosts();
        }
        if (totalHosts != null) {
            out.put("totalHosts", totalHosts);
        }
        putIfSet(out, "sessionDuration", status.getSessionDuration());
        List<HostStats> stats = new ArrayList<>();
        List<Condition> conditions = new ArrayList<>();
        for (TargetStatus t : status.getTargets()) {
            stats.addAll(t.getStats());
            conditions.addAll(t.getConditions());
        }
        conditions.addAll(status.getConditions());
        if (!stats.isEmpty()) {
            ArrayNode array = out.putArray("stats");
            stats.forEach(h -> array.add(hostStats(h, false)));
        }
        conditions.sort(Comparator.comparing(Condition::getType));
        conditions(out, conditions);
        if (status.getSessionDeadline() != null) {
            out.put("sessionDeadline", time(status.getSessionDeadline()));
        }
        return out;
    }

    public static ObjectNode repository(RepositoryStatus repo) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("apiVersion", "stash.appscode.com/v1alpha1");
        root.put("kind", "Repository");
        ObjectNode metadata = root.putObject("metadata");
        metadata.put("name", repo.getName());
        metadata.put("namespace", repo.getNamespace());
        metadata.putObject("annotations").put(CLUSTER_ANNOTATION, repo.getCluster());
        root.putObject("spec");
        root.set("status", repositoryStatus(repo));
        return root;
    }

    /** {@code RepositoryStatus}. */
    public static ObjectNode repositoryStatus(RepositoryStatus repo) {
        ObjectNode status = MAPPER.createObjectNode();
        if (repo.getObservedGeneration() != null) {
            status.put("observedGeneration", repo.getObservedGeneration());
        }
        if (repo.getFirstBackupTime() != null) {
            status.put("firstBackupTime", time(repo.getFirstBackupTime()));
        }
        if (repo.getLastBackupTime() != null) {
            status.put("lastBackupTime", time(repo.getLastBackupTime()));
        }
        if (repo.getIntegrity() != null) {
            status.put("integrity", repo.getIntegrity());
        }
        putIfSet(status, "totalSize", repo.getTotalSize());
        if (repo.getSnapshotCount() != null) {
            status.put("snapshotCount", repo.getSnapshotCount());
        }
        if (repo.getSnapshotsRemovedOnLastCleanup() != null) {
            status.put("snapshotsRemovedOnLastCleanup", repo.getSnapshotsRemovedOnLastCleanup());
        }
        if (!repo.getReferences().isEmpty()) {
            ArrayNode refs = status.putArray("references");
            for (TypedObjectRef r : repo.getReferences()) {
                ObjectNode ref = refs.addObject();
                putIfSet(ref, "apiGroup", r.getApiGroup());
                ref.put("kind", r.getKind());
                ref.put("name", r.getName());
                putIfSet(ref, "namespace", r.getNamespace());
            }
        }
        return status;
    }

    static ObjectNode targetRef(TargetRef ref) {
        ObjectNode out = MAPPER.createObjectNode();
        putIfSet(out, "apiVersion", ref.getApiVersion());
        putIfSet(out, "kind", ref.getKind());
        putIfSet(out, "name", ref.getName());
        putIfSet(out, "namespace", ref.getNamespace());
        return out;
    }

    static ObjectNode hostStats(HostStats h, boolean withSnapshots) {
        ObjectNode out = MAPPER.createObjectNode();
        putIfSet(out, "hostname", h.getHostname());
        putIfSet(out, "phase", h.getPhase());
        if (withSnapshots && !h.getSnapshots().isEmpty()) {
            ArrayNode snapshots = out.putArray("snapshots");
            for (SnapshotStats s : h.getSnapshots()) {
                ObjectNode snap = snapshots.addObject();
                putIfSet(snap, "name", s.getName());
                putIfSet(snap, "path", s.getPath());
                putIfSet(snap, "totalSize", s.getTotalSize());
                putIfSet(snap, "uploaded", s.getUploaded());
                putIfSet(snap, "processingTime", s.getProcessingTime());
                ObjectNode files = snap.putObject("fileStats");
                FileStats f = s.getFileStats();
                if (f != null) {
                    putIfSet(files, "totalFiles", f.getTotalFiles());
                    putIfSet(files, "newFiles", f.getNewFiles());
                    putIfSet(files, "modifiedFiles", f.getModifiedFiles());
                    putIfSet(files, "unmodifiedFiles", f.getUnmodifiedFiles());
                }
            }
        }
        putIfSet(out, "duration", h.getDuration());
        putIfSet(out, "error", h.getError());
        return out;
    }

    static void conditions(ObjectNode parent, List<Condition> conditions) {
        if (conditions.isEmpty()) {
            return;
        }
        ArrayNode array = parent.putArray("conditions");
        for (Condition c : conditions) {
            ObjectNode out = array.addObject();
            out.put("type", c.getType());
            out.put("status", c.getStatus());
            if (c.getObservedGeneration() != null) {
                out.put("observedGeneration", c.getObservedGeneration());
            }
            putIfSet(out, "reason", c.getReason());
            putIfSet(out, "message", c.getMessage());
            if (c.getLastTransitionTime() != null) {
                out.put("lastTransitionTime", time(c.getLastTransitionTime()));
            }
        }
    }

    /** Stashflow's addition on the single-session view: every container outcome, in execution order. */
    public static ArrayNode steps(Collection<StepOutcome> outcomes) {
        List<StepOutcome> sorted = new ArrayList<>(outcomes);
        sorted.sort(Comparator.comparingInt((StepOutcome o) -> o.getTarget().getIndex())
                .thenComparingInt(StepOutcome::getAttempt)
                .thenComparingInt(StepOutcome::getStepIndex)
                .thenComparing(StepOutcome::getObservedAt)
                .thenComparing(StepOutcome::getOutcomeId));
        ArrayNode array = MAPPER.createArrayNode();
        for (StepOutcome o : sorted) {
            ObjectNode step = array.addObject();
            step.put("target", o.getTarget().getIndex());
            step.put("host", o.getHost());
            step.put("attempt", o.getAttempt());
            step.put("index", o.getStepIndex());
            step.put("container", o.getContainerName());
            step.put("role", o.getRole().name());
            step.put("state", o.getState().name());
            if (o.getExitCode() != null) {
                step.put("exitCode", o.getExitCode());
            }
            putIfSet(step, "reason", o.getReason());
            putIfSet(step, "message", o.getMessage());
            if (o.getStartedAt() != null) {
                step.put("startedAt", time(o.getStartedAt()));
            }
            if (o.getFinishedAt() != null) {
                step.put("finishedAt", time(o.getFinishedAt()));
            }
            putIfSet(step, "pod", o.getPodName());
            step.put("observedAt", time(o.getObservedAt()));
        }
        return array;
    }

    private static void strings(ObjectNode parent, String field, List<String> values) {
        if (!values.isEmpty()) {
            ArrayNode array = parent.putArray(field);
            values.forEach(array::add);
        }
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null && !value.isEmpty()) {
            node.put(field, value);
        }
    }

    private static void putIfSet(ObjectNode node, String field, Long value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
