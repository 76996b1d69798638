package io.stashflow.planner.resolver;

import io.stashflow.api.model.ParsedResource;
import io.stashflow.api.model.StashKind;
import io.stashflow.api.model.StashResource;
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
public final class InMemoryDefinitions extends KindedLookup {

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

    @Override
    protected <T extends StashResource> Optional<T> find(StashKind kind, Class<T> type, String namespace, String name) {
        if (name == null) {
            return Optional.empty();
        }
        Map<String, StashResource> resources = byKind.get(kind);
        if (resources == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(resources.get(key(kind, namespace, name))).map(type::cast);
    }
}
