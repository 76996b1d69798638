package io.stashflow.api.model;

import java.util.List;

/** One step of a Task: the Function name and the parameters offered to its placeholders. */
public record FunctionRef(String name, List<Param> params) {

    public FunctionRef {
        params = ModelCollections.list(params);
    }
}
