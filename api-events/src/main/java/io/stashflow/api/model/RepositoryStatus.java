package io.stashflow.api.model;

import java.util.List;

/**
 * @param firstBackupTime RFC 3339; declared by Stash but never written by it (Stashflow writes it)
 * @param lastBackupTime RFC 3339; the creation time of the last BackupSession
 * @param totalSize human-readable, e.g. {@code 12.3 MiB}
 * @param references the invokers using this repository
 */
public record RepositoryStatus(
        Long observedGeneration,
        String firstBackupTime,
        String lastBackupTime,
        Boolean integrity,
        String totalSize,
        Long snapshotCount,
        Long snapshotsRemovedOnLastCleanup,
        List<TypedObjectReference> references) {

    public RepositoryStatus {
        references = ModelCollections.list(references);
    }
}
