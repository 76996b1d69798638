package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/** Stash {@code Repository} ({@code stash.appscode.com/v1alpha1}, namespaced): where restic keeps the snapshots. */
public record Repository(
        String apiVersion,
        String kind,
        ObjectMeta metadata,
        RepositorySpec spec,
        RepositoryStatus status) implements StashResource {
}
