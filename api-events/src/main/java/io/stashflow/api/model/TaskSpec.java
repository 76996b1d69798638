package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;

/**
 * @param steps the Functions in execution order; all but the last become init containers
 * @param volumes copied into the pod as written (they may hold placeholders such as {@code ${TARGET_NAME}})
 */
public record TaskSpec(List<FunctionRef> steps, List<Volume> volumes) {

    public TaskSpec {
        steps = ModelCollections.list(steps);
        volumes = ModelCollections.list(volumes);
    }
}
