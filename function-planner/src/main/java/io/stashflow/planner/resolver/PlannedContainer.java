package io.stashflow.planner.resolver;

import java.util.Objects;

/**
 * What one container of a resolved pod is, for the executor and the reporter.
 *
 * @param containerName  the container's name in the pod
 * @param position       0-based execution order in the pod (init containers first)
 * @param stepIndex      the Task step this container runs (0-based index into {@code spec.steps}); {@code null}
 *                       for a hook container
 * @param functionName   the Function the step runs; {@code null} for a hook container
 * @param hookType       {@code preBackup}, {@code postBackup}, {@code preRestore} or {@code postRestore} for a
 *                       hook container; {@code null} for a step
 * @param updateStatus   whether this step runs the Function named {@code update-status} (Stashflow's built-in,
 *                       or a user's own Function of that name, which replaces it): the step whose status and
 *                       metrics work status-reporter takes over
 * @param initContainer  whether the container is an init container (every container but the last one)
 */
public record PlannedContainer(String containerName, int position, Integer stepIndex, String functionName,
        String hookType, boolean updateStatus, boolean initContainer) {

    public PlannedContainer {
        Objects.requireNonNull(containerName, "containerName");
        if ((stepIndex == null) == (hookType == null)) {
            throw new IllegalArgumentException("container " + containerName
                    + " must be either a step (stepIndex) or a hook (hookType)");
        }
    }

    /** Whether this is a {@code pre-task-hook} or {@code post-task-hook} container. */
    public boolean hook() {
        return hookType != null;
    }
}
