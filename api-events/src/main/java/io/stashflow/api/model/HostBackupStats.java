package io.stashflow.api.model;

import java.util.List;

/** @param phase {@code Succeeded} or {@code Failed} */
public record HostBackupStats(String hostname, String phase, String duration, String error, List<SnapshotStats> snapshots) {

    public HostBackupStats {
        snapshots = ModelCollections.list(snapshots);
    }
}
