package io.stashflow.api.model;

/** kmodules {@code TypedObjectReference}: an object of any group, possibly in another namespace. */
public record TypedObjectReference(String apiGroup, String kind, String name, String namespace) {
}
