package io.stashflow.api.model;

/** @param kind {@code BackupConfiguration} or {@code BackupBatch} */
public record InvokerRef(String apiGroup, String kind, String name) {
}
