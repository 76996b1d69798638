package io.stashflow.planner.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stashflow.api.plan.PodPlanMapper;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.events.InvokerRef;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.PlanTarget;
import io.stashflow.events.RetryPolicy;
import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionRequested;
import io.stashflow.events.StepInfo;
import io.stashflow.events.StepRole;
import io.stashflow.events.TargetRef;
import io.stashflow.planner.lifecycle.DeadlinePolicy;
import io.stashflow.planner.lifecycle.RetryRule;
import io.stashflow.planner.resolver.PlannedContainer;
import io.stashflow.planner.resolver.PodLayout;
import io.stashflow.planner.resolver.ResolvedPlan;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Turns one resolved pod into the {@code JobPlanned} event for the executor of the session's cluster. */
final class PlanBuilder {

    /** Writes fabric8 model objects as the API server expects them. */
    private static final ObjectMapper KUBERNETES_JSON = new ObjectMapper();

    private PlanBuilder() {
    }

    /** {@code cluster/namespace/session/targetIndex}. */
    static String planId(SessionKey key, int targetIndex) {
        return RecordKeys.of(key) + "/" + targetIndex;
    }

    static SessionKey sessionKey(SessionRequested request) {
        return SessionKey.newBuilder()
                .setCluster(request.getCluster())
                .setNamespace(request.getNamespace())
                .setName(request.getSessionName())
                .setKind(request.getKind())
                .build();
    }

    /**
     * @param facts     the invoker (the RestoreSession itself for a restore)
     * @param plan      the resolver's pod for one target
     * @param plannedAt the planner's clock
     * @throws io.stashflow.planner.lifecycle.GoDuration.InvalidDurationException when the invoker's timeOut is not
     *         a Go duration (callers check {@link InvokerFacts#durationProblem()} first)
     * @throws io.stashflow.api.plan.PodPlanMappingException when the pod uses a field a plan cannot carry
     */
    static JobPlanned build(SessionRequested request, InvokerFacts facts, ResolvedPlan plan, Instant plannedAt) {
        return build(request, facts, targetPlan(plan), plannedAt);
    }

    /**
     * What a {@code JobPlanned} takes from the resolver's pod for one target: the pod as a plan (with each
     * container's step), its pod security policies, interim volume claim and timeOut.
     *
     * @throws io.stashflow.api.plan.PodPlanMappingException when the pod uses a field a plan cannot carry
     */
    static TargetPlan targetPlan(ResolvedPlan plan) {
        Map<String, StepInfo> steps = new HashMap<>();
        for (PlannedContainer container : plan.containers()) {
            steps.put(container.containerName(), stepInfo(container));
        }
        return new TargetPlan(plan.targetIndex(), PodPlanMapper.toPodPlan(plan.pod(), steps::get),
                plan.podSecurityPolicyNames(), plan.interimVolumeClaim().map(PlanBuilder::json).orElse(null),
                plan.timeOut());
    }

    /**
     * @param facts     the invoker (the RestoreSession itself for a restore)
     * @param plan      one target's pod, mapped
     * @param plannedAt the planner's clock
     * @throws io.stashflow.planner.lifecycle.GoDuration.InvalidDurationException when the invoker's timeOut is not
     *         a Go duration (callers check {@link InvokerFacts#durationProblem()} first)
     */
    static JobPlanned build(SessionRequested request, InvokerFacts facts, TargetPlan plan, Instant plannedAt) {
        SessionKey key = sessionKey(request);
        int index = plan.targetIndex();
        InvokerFacts.Target target = facts.targets().get(index);
        var retryConfig = facts.retryConfig();
        RetryPolicy retry = RetryPolicy.newBuilder()
                .setMaxRetry(RetryRule.initialRetryLeft(retryConfig != null,
                        retryConfig == null ? null : retryConfig.maxRetry()))
                .setDelay(retryConfig == null ? null : retryConfig.delay())
                .setRetryLeft(request.getRetryLeft())
                .build();
        return JobPlanned.newBuilder()
                .setPlanId(planId(key, index))
                .setSessionKey(key)
                .setInvoker(InvokerRef.newBuilder(request.getInvoker()).build())
                .setTarget(PlanTarget.newBuilder()
                        .setRef(targetRef(target.ref()))
                        .setIndex(index)
                        .setTotalTargets(facts.targets().size())
                        .build())
                .setRepositoryName(facts.repository())
                .setPod(plan.pod())
                .setPodSecurityPolicyNames(plan.podSecurityPolicyNames())
                .setInterimVolumeClaimJson(plan.interimVolumeClaimJson())
                .setTimeOut(plan.timeOut())
                .setDeadline(DeadlinePolicy.deadline(request.getRequestedAt(), plan.timeOut()).orElse(null))
                .setRetry(retry)
                .setBackupHistoryLimit(request.getKind() == SessionKind.BACKUP ? facts.backupHistoryLimit() : null)
                .setPlannedAt(plannedAt)
                .build();
    }

    static StepInfo stepInfo(PlannedContainer container) {
        StepRole role;
        String function;
        if (container.hook()) {
            boolean pre = container.hookType().startsWith("pre");
            role = pre ? StepRole.PRE_HOOK : StepRole.POST_HOOK;
            function = pre ? PodLayout.PRE_TASK_HOOK : PodLayout.POST_TASK_HOOK;
        } else {
            role = container.updateStatus() ? StepRole.UPDATE_STATUS : StepRole.STEP;
            function = container.functionName();
        }
        return StepInfo.newBuilder()
                .setIndex(container.position())
                .setFunctionName(function)
                .setRole(role)
                .setFulfilledByReporter(container.updateStatus())
                .build();
    }

    static TargetRef targetRef(io.stashflow.api.model.TargetRef ref) {
        return TargetRef.newBuilder()
                .setApiVersion(nullToEmpty(ref.apiVersion()))
                .setKind(nullToEmpty(ref.kind()))
                .setName(nullToEmpty(ref.name()))
                .setNamespace(nullToEmpty(ref.namespace()))
                .build();
    }

    private static String json(Object kubernetesObject) {
        try {
            return KUBERNETES_JSON.writeValueAsString(kubernetesObject);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + kubernetesObject.getClass().getSimpleName()
                    + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
