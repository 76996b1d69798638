package io.stashflow.api.model;

import java.util.List;

/** A restore rule: which snapshots or paths of which source host go to which target hosts. */
public record Rule(
        List<String> targetHosts,
        String sourceHost,
        List<String> snapshots,
        List<String> paths,
        List<String> exclude,
        List<String> include) {

    public Rule {
        targetHosts = ModelCollections.list(targetHosts);
        snapshots = ModelCollections.list(snapshots);
        paths = ModelCollections.list(paths);
        exclude = ModelCollections.list(exclude);
        include = ModelCollections.list(include);
    }
}
