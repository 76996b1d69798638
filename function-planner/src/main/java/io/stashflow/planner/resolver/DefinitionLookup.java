package io.stashflow.planner.resolver;

import io.stashflow.api.model.AppBinding;
import io.stashflow.api.model.BackupBatch;
import io.stashflow.api.model.BackupBlueprint;
import io.stashflow.api.model.BackupConfiguration;
import io.stashflow.api.model.BackupSession;
import io.stashflow.api.model.Function;
import io.stashflow.api.model.Repository;
import io.stashflow.api.model.RestoreSession;
import io.stashflow.api.model.Task;
import java.util.Optional;

/**
 * Where the resolver finds the resources a session refers to. Cluster-scoped kinds (Function, Task,
 * BackupBlueprint) are looked up by name, namespaced kinds by namespace and name. Implementations: the
 * in-memory {@link InMemoryDefinitions} (CLI, tests, standalone) and the Kafka-backed definitions store.
 * Implementations return records that the caller must not (and, the model being immutable, cannot) change.
 */
public interface DefinitionLookup {

    Optional<Function> function(String name);

    Optional<Task> task(String name);

    Optional<BackupBlueprint> backupBlueprint(String name);

    Optional<BackupConfiguration> backupConfiguration(String namespace, String name);

    Optional<BackupBatch> backupBatch(String namespace, String name);

    Optional<BackupSession> backupSession(String namespace, String name);

    Optional<RestoreSession> restoreSession(String namespace, String name);

    Optional<Repository> repository(String namespace, String name);

    Optional<AppBinding> appBinding(String namespace, String name);
}
