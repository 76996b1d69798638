package io.stashflow.reporter.core;

import io.stashflow.events.InvokerRef;
import io.stashflow.events.RepositoryStatus;
import io.stashflow.events.TypedObjectRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Merges one update-status result into a Repository's status, as Stash's update-status does after the post-backup
 * actions: {@code integrity}, {@code totalSize}, {@code snapshotCount}, {@code snapshotsRemovedOnLastCleanup} and
 * {@code lastBackupTime} (the BackupSession's <em>creation</em> time).
 *
 * <p>Order-independent: a result from an older session (by creation time) arriving late does not overwrite a newer
 * one. {@code firstBackupTime}, which Stash declares but never sets, is the earliest session creation time seen
 * (documented departure). The invoker that wrote the result is kept in {@code references}, moved to the end, so the
 * last entry is the invoker whose session last updated the repository.
 */
public final class RepositoryStatusMerger {

    private RepositoryStatusMerger() {
    }

    public static RepositoryStatus merge(RepositoryStatus previous, StatusProjector.RepositoryUpdate update) {
        Instant created = update.sessionCreatedAt();
        boolean newer = previous == null || previous.getLastBackupTime() == null
                || !created.isBefore(previous.getLastBackupTime());
        RepositoryStatus.Builder out = previous == null
                ? RepositoryStatus.newBuilder().setCluster(update.cluster()).setNamespace(update.namespace())
                        .setName(update.name()).setObservedGeneration(null).setReferences(List.of())
                : RepositoryStatus.newBuilder(previous);
        Instant first = previous == null ? null : previous.getFirstBackupTime();
        out.setFirstBackupTime(first == null || created.isBefore(first) ? created : first);
        if (newer) {
            out.setLastBackupTime(created)
                    .setIntegrity(update.integrity())
                    .setTotalSize(update.totalSize())
                    .setSnapshotCount(update.snapshotCount())
                    .setSnapshotsRemovedOnLastCleanup(update.snapshotsRemoved());
        }
        List<TypedObjectRef> references = new ArrayList<>(previous == null ? List.of() : previous.getReferences());
        InvokerRef invoker = update.invoker();
        if (invoker != null) {
            TypedObjectRef ref = TypedObjectRef.newBuilder().setApiGroup(invoker.getApiGroup())
                    .setKind(invoker.getKind()).setName(invoker.getName()).setNamespace(sessionNamespace(update)).build();
            references.removeIf(r -> r.equals(ref));
            if (newer) {
                references.add(ref);
            } else {
                references.add(0, ref);
            }
        }
        out.setReferences(references);
        Instant updated = previous == null || previous.getUpdatedAt().isBefore(created) ? created : previous.getUpdatedAt();
        out.setUpdatedAt(updated);
        return out.build();
    }

    private static String sessionNamespace(StatusProjector.RepositoryUpdate update) {
        return update.invokerNamespace() == null ? update.namespace() : update.invokerNamespace();
    }
}
