package io.stashflow.api.model;

/** Immutable once created (Stash's webhook rejects spec changes). */
public record BackupSessionSpec(InvokerRef invoker, Integer retryLeft) {
}
