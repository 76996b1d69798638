package io.stashflow.api.model;

/** A restic REST server. */
public record RestServerSpec(String url) {
}
