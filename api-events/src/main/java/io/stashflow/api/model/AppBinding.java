package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * kmodules {@code AppBinding} ({@code appcatalog.appscode.com/v1alpha1}, namespaced): how to reach an
 * application (a database), and in {@code spec.parameters} which Stash addon tasks back it up and restore it.
 */
public record AppBinding(String apiVersion, String kind, ObjectMeta metadata, AppBindingSpec spec) implements StashResource {
}
