package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/** Stash {@code Task} ({@code stash.appscode.com/v1beta1}, cluster-scoped): an ordered list of Functions. */
public record Task(String apiVersion, String kind, ObjectMeta metadata, TaskSpec spec) implements StashResource {
}
