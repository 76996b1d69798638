package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/** Stash {@code Function} ({@code stash.appscode.com/v1beta1}, cluster-scoped): one container of a Task. No status. */
public record Function(String apiVersion, String kind, ObjectMeta metadata, FunctionSpec spec) implements StashResource {
}
