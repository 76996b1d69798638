package io.stashflow.executor.plan;

import io.stashflow.events.ContainerSpec;
import io.stashflow.events.PodPlan;
import io.stashflow.events.StepInfo;
import io.stashflow.events.StepRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One container of a planned pod, in execution order.
 *
 * @param containerName       the container's name
 * @param position            0-based execution order (init containers first, the main container last)
 * @param functionName        the Function it runs
 * @param role                step, hook or update-status
 * @param fulfilledByReporter whether status-reporter does this step's status work
 * @param init                whether it is an init container
 */
public record PlanStep(String containerName, int position, String functionName, StepRole role,
                       boolean fulfilledByReporter, boolean init) {

    public PlanStep {
        Objects.requireNonNull(containerName, "containerName");
        Objects.requireNonNull(role, "role");
    }

    /** The steps of a plan: init containers in order, then the main container. */
    public static List<PlanStep> of(PodPlan pod) {
        List<PlanStep> steps = new ArrayList<>();
        int position = 0;
        for (ContainerSpec c : pod.getInitContainers()) {
            steps.add(of(c.getName(), c.getStep(), position++, true));
        }
        steps.add(of(pod.getContainer().getName(), pod.getContainer().getStep(), position, false));
        return List.copyOf(steps);
    }

    /** The steps read back from the step annotation of a pod (container name → step, in execution order). */
    public static List<PlanStep> of(Map<String, StepInfo> stepsInOrder) {
        List<PlanStep> steps = new ArrayList<>();
        int position = 0;
        int last = stepsInOrder.size() - 1;
        for (Map.Entry<String, StepInfo> e : stepsInOrder.entrySet()) {
            steps.add(of(e.getKey(), e.getValue(), position, position < last));
            position++;
        }
        return List.copyOf(steps);
    }

    private static PlanStep of(String container, StepInfo info, int position, boolean init) {
        return new PlanStep(container, position, info.getFunctionName(), info.getRole(), info.getFulfilledByReporter(),
                init);
    }
}
