package io.stashflow.api.model;

/** @param wipeOut delete the restic repository when the Repository object is deleted */
public record RepositorySpec(Backend backend, Boolean wipeOut, UsagePolicy usagePolicy) {
}
