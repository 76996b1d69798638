package io.stashflow.api.model;

import java.util.List;

/**
 * The Task an invoker runs. An empty or absent name means "take the task from the target AppBinding's
 * Stash addon parameters".
 */
public record TaskRef(String name, List<Param> params) {

    public TaskRef {
        params = ModelCollections.list(params);
    }
}
