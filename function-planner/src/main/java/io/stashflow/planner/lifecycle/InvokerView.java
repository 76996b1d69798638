package io.stashflow.planner.lifecycle;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the concurrency rules need to know about a session's invoker (a BackupConfiguration or BackupBatch), taken
 * from its definition when the rules run.
 *
 * @param kind            {@code BackupConfiguration} or {@code BackupBatch}
 * @param paused          {@code spec.paused}
 * @param sequential      {@code spec.executionOrder: Sequential} (BackupBatch only)
 * @param targets         the invoker's targets in order (one for a BackupConfiguration; a BackupBatch's members)
 * @param sharedTargets   those of {@code targets} that at least one other invoker also backs up (Stash's
 *                        {@code hasMultipleBackupInvokers}); only for these does the cross-invoker rule apply
 */
public record InvokerView(String kind, String namespace, String name, boolean paused, boolean sequential,
                          List<TargetKey> targets, Set<TargetKey> sharedTargets) {

    public InvokerView {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        targets = List.copyOf(targets);
        sharedTargets = Set.copyOf(sharedTargets);
    }

    public String describe() {
        return kind + " " + namespace + "/" + name;
    }
}
