package io.stashflow.api.model;

import java.util.List;

public record StashTaskSpec(String name, List<Param> params) {

    public StashTaskSpec {
        params = ModelCollections.list(params);
    }
}
