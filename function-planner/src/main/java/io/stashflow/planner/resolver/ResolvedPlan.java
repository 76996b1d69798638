package io.stashflow.planner.resolver;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.stashflow.api.model.RetryConfig;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The pod for one target of one session, plus what the executor and reporter need to know about it.
 *
 * @param sessionKind             {@code BackupSession} or {@code RestoreSession}
 * @param sessionNamespace        the session's namespace (also the pod's)
 * @param sessionName             the session's name
 * @param invokerKind             {@code BackupConfiguration}, {@code BackupBatch} or {@code RestoreSession}
 * @param invokerName             the invoker's name
 * @param targetIndex             index of the target (BackupBatch member index; 0 otherwise)
 * @param taskName                the Task that was resolved (after the AppBinding addon merge)
 * @param pod                     the complete pod ({@code apiVersion: v1}, {@code kind: Pod})
 * @param containers              one entry per container, in execution order
 * @param podSecurityPolicyNames  {@code podSecurityPolicyName} of the Functions, in step order, without
 *                                duplicates (Stash builds RBAC from them)
 * @param interimVolumeClaim      the PVC the executor has to create before the pod (owned by the session),
 *                                when the invoker declares {@code interimVolumeTemplate}
 * @param timeOut                 the invoker's {@code timeOut} (a Go duration, input of the session deadline);
 *                                {@code null} when absent
 * @param retryConfig             the invoker's {@code retryConfig}; {@code null} when absent (restore has none)
 */
public record ResolvedPlan(
        String sessionKind,
        String sessionNamespace,
        String sessionName,
        String invokerKind,
        String invokerName,
        int targetIndex,
        String taskName,
        Pod pod,
        List<PlannedContainer> containers,
        List<String> podSecurityPolicyNames,
        Optional<PersistentVolumeClaim> interimVolumeClaim,
        String timeOut,
        RetryConfig retryConfig) {

    public ResolvedPlan {
        Objects.requireNonNull(sessionKind, "sessionKind");
        Objects.requireNonNull(pod, "pod");
        containers = List.copyOf(containers);
        podSecurityPolicyNames = List.copyOf(podSecurityPolicyNames);
        Objects.requireNonNull(interimVolumeClaim, "interimVolumeClaim");
    }

    /** The pod's name. */
    public String podName() {
        return pod.getMetadata().getName();
    }
}
