package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/** Stash {@code RestoreSession} ({@code stash.appscode.com/v1beta1}, namespaced): one restore. */
public record RestoreSession(
        String apiVersion,
        String kind,
        ObjectMeta metadata,
        RestoreSessionSpec spec,
        RestoreSessionStatus status) implements StashResource {
}
