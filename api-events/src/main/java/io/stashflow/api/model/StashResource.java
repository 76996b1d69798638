package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * A Stash custom resource (or the kmodules AppBinding Stash reads): the Kubernetes envelope shared by every
 * top-level record of this package. Each implementation is a record whose components are named exactly like
 * the JSON fields, so Jackson maps it without annotations.
 */
public interface StashResource {

    String apiVersion();

    String kind();

    ObjectMeta metadata();

    /** {@code metadata.name}, or null when there is no metadata. */
    default String name() {
        return metadata() == null ? null : metadata().getName();
    }

    /** {@code metadata.namespace}, or null when there is none (always null for cluster-scoped kinds). */
    default String namespace() {
        return metadata() == null ? null : metadata().getNamespace();
    }
}
