package io.stashflow.planner.topology;

import io.stashflow.events.PodPlan;
import java.util.List;
import java.util.Objects;

/**
 * One target's pod as a {@code JobPlanned} carries it: what {@link PlanBuilder#targetPlan} takes from the resolver.
 * The plan cache renders these for the sessions it serves; they are never changed once made (rendered plans share
 * the parts without the session's name).
 *
 * @param interimVolumeClaimJson the interim PVC as Kubernetes JSON, or null
 * @param timeOut                the invoker's timeOut as written, or null
 */
record TargetPlan(int targetIndex, PodPlan pod, List<String> podSecurityPolicyNames, String interimVolumeClaimJson,
                  String timeOut) {

    TargetPlan {
        Objects.requireNonNull(pod, "pod");
        podSecurityPolicyNames = List.copyOf(podSecurityPolicyNames);
    }
}
