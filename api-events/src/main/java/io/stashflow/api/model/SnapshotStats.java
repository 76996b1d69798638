package io.stashflow.api.model;

/** One restic snapshot taken for a host; sizes are human-readable texts such as {@code 12.3 MiB}. */
public record SnapshotStats(String name, String path, String totalSize, String uploaded, String processingTime, FileStats fileStats) {
}
