package io.stashflow.api.model;

/** {@code spec.parameters.stash.addon} of an AppBinding: the Tasks Stash uses when an invoker names none. */
public record StashAddon(StashTaskSpec backupTask, StashTaskSpec restoreTask) {
}
