package io.stashflow.api.model;

/** @param phase {@code Succeeded}, {@code Failed}, {@code Running} or {@code Unknown} */
public record HostRestoreStats(String hostname, String phase, String duration, String error) {
}
