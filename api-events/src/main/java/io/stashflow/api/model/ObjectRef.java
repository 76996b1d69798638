package io.stashflow.api.model;

/** A reference by name (and optional namespace), as used for {@code spec.repository}. */
public record ObjectRef(String name, String namespace) {
}
