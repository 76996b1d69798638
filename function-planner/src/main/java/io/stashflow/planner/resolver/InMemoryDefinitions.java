package io.stashflow.planner.resolver;

import io.stashflow.api.model.AppBinding;
import io.stashflow.api.model.BackupBatch;
import io.stashflow.api.model.BackupBlueprint;
import io.stashflow.api.model.BackupConfiguration;
import io.stashflow.api.model.BackupSession;
import io.stashflow.api.model.Function;
import io.stashflow.api.model.ParsedResource;
import io.stashflow.api.model.Repository;
import io.stashflow.api.model.RestoreSession;
import io.stashflow.api.model.StashKind;
import io.stashflow.api.model.StashResource;
import io.stashflow.api.model.Task;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Definitions held in memory, built from parsed resources. A later resource with the same kind and name
 * replaces an earlier one (the way {@code kubectl apply} of the files in order would). A namespaced resource
 * without {@code metadata.namespace} is stored in {@code default}, as kubectl would create it.
 *
 * <p>This lookup holds exactly what it was given; wrap it with {@link BuiltinDefinitions#withBuiltins} to add
 * Stashflow's built-in Functions and Tasks behind the user's definitions.
 */
public final class InMemoryDefinitions implements DefinitionLookup {

    /** The namespace kubectl uses when a namespaced manifest names none. */
    public static final String DEFAULT_NAMESPACE = "default";

    private final Map<StashKind, Map<String, StashResource>> byKind = new HashMap<>();

    private InMemoryDefinitions() {
    }

    /** The resources of {@code parsed}, in order (later wins). */
    public static InMemoryDefinitions of(Collection<ParsedResource> parsed) {
        InMemoryDefinitions definitions = new InMemoryDefinitions();
        for (ParsedResource resource : parsed) {
            definitions.put(resource.kind(), resource.resource());
        }
        return definitions;
    }

    /** The resources given, in order (later wins). */
    public static InMemoryDefinitions ofResources(Collection<? extends StashResource> resources) {
        InMemoryDefinitions definitions = new InMemoryDefinitions();
        for (StashResource resource : resources) {
            definitions.put(StashKind.of(resource), resource);
        }
        return definitions;
    }

    private void put(StashKind kind, StashResource resource) {
        if (resource.name() == null || resource.name().isEmpty()) {
            throw new IllegalArgumentException(kind.kind() + " without metadata.name cannot be looked up; give it a name");
        }
        byKind.computeIfAbsent(kind, k -> new HashMap<>()).put(key(kind, resource.namespace(), resource.name()), resource);
    }

    private static String key(StashKind kind, String namespace, String name) {
        if (kind.clusterScoped()) {
            return name;
        }
        String ns = namespace == null || namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace;
        return ns + "/" + name;
    }

    private <T extends StashResource> Optional<T> find(StashKind kind, Class<T> type, String namespace, String name) {
        if (name == null) {
            return Optional.empty();
        }
        Map<String, StashResource> resources = byKind.get(kind);
        if (resources == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(resources.get(key(kind, namespace, name))).map(type::cast);
    }

    @Override
    public Optional<Function> function(String name) {
        return find(StashKind.FUNCTION, Function.class, null, name);
    }

    @Override
    public Optional<Task> task(String name) {
        return find(StashKind.TASK, Task.class, null, name);
    }

    @Override
    public Optional<BackupBlueprint> backupBlueprint(String name) {
        return find(StashKind.BACKUP_BLUEPRINT, BackupBlueprint.class, null, name);
    }

    @Override
    public Optional<BackupConfiguration> backupConfiguration(String namespace, String name) {
        return find(StashKind.BACKUP_CONFIGURATION, BackupConfiguration.class, namespace, name);
    }

    @Override
    public Optional<BackupBatch> backupBatch(String namespace, String name) {
        return find(StashKind.BACKUP_BATCH, BackupBatch.class, namespace, name);
    }

    @Override
    public Optional<BackupSession> backupSession(String namespace, String name) {
        return find(StashKind.BACKUP_SESSION, BackupSession.class, namespace, name);
    }

    @Override
    public Optional<RestoreSession> restoreSession(String namespace, String name) {
        return find(StashKind.RESTORE_SESSION, RestoreSession.class, namespace, name);
    }

    @Override
    public Optional<Repository> repository(String namespace, String name) {
        return find(StashKind.REPOSITORY, Repository.class, namespace, name);
    }

    @Override
    public Optional<AppBinding> appBinding(String namespace, String name) {
        return find(StashKind.APP_BINDING, AppBinding.class, namespace, name);
    }
}
