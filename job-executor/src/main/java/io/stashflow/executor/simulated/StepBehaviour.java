package io.stashflow.executor.simulated;

import io.stashflow.events.ContainerSpec;
import io.stashflow.events.JobPlanned;
import io.stashflow.executor.plan.PlanStep;

/**
 * The model of a {@link SimulatedCluster}: what each container of a plan does. Asked once per container when the run
 * is created (like a pod spec, the answer then belongs to the run, so a restarted runtime observes the same run).
 */
@FunctionalInterface
public interface StepBehaviour {

    SimulatedStep simulate(JobPlanned plan, ContainerSpec container, PlanStep step);
}
