package io.stashflow.planner.resolver;

import io.stashflow.api.model.AppBinding;
import io.stashflow.api.model.BackupBatch;
import io.stashflow.api.model.BackupBlueprint;
import io.stashflow.api.model.BackupConfiguration;
import io.stashflow.api.model.BackupSession;
import io.stashflow.api.model.Function;
import io.stashflow.api.model.Repository;
import io.stashflow.api.model.RestoreSession;
import io.stashflow.api.model.StashKind;
import io.stashflow.api.model.StashResource;
import io.stashflow.api.model.Task;
import java.util.Optional;

/**
 * A {@link DefinitionLookup} over any store that can find a resource by kind, namespace and name: the nine typed
 * lookups are written once here, the store supplies {@link #find}.
 */
public abstract class KindedLookup implements DefinitionLookup {

    /**
     * The resource of this kind, namespace (ignored for cluster-scoped kinds) and name, if the store holds it.
     *
     * @param name null finds nothing
     */
    protected abstract <T extends StashResource> Optional<T> find(StashKind kind, Class<T> type, String namespace,
                                                                  String name);

    @Override
    public final Optional<Function> function(String name) {
        return find(StashKind.FUNCTION, Function.class, null, name);
    }

    @Override
    public final Optional<Task> task(String name) {
        return find(StashKind.TASK, Task.class, null, name);
    }

    @Override
    public final Optional<BackupBlueprint> backupBlueprint(String name) {
        return find(StashKind.BACKUP_BLUEPRINT, BackupBlueprint.class, null, name);
    }

    @Override
    public final Optional<BackupConfiguration> backupConfiguration(String namespace, String name) {
        return find(StashKind.BACKUP_CONFIGURATION, BackupConfiguration.class, namespace, name);
    }

    @Override
    public final Optional<BackupBatch> backupBatch(String namespace, String name) {
        return find(StashKind.BACKUP_BATCH, BackupBatch.class, namespace, name);
    }

    @Override
    public final Optional<BackupSession> backupSession(String namespace, String name) {
        return find(StashKind.BACKUP_SESSION, BackupSession.class, namespace, name);
    }

    @Override
    public final Optional<RestoreSession> restoreSession(String namespace, String name) {
        return find(StashKind.RESTORE_SESSION, RestoreSession.class, namespace, name);
    }

    @Override
    public final Optional<Repository> repository(String namespace, String name) {
        return find(StashKind.REPOSITORY, Repository.class, namespace, name);
    }

    @Override
    public final Optional<AppBinding> appBinding(String namespace, String name) {
        return find(StashKind.APP_BINDING, AppBinding.class, namespace, name);
    }
}
