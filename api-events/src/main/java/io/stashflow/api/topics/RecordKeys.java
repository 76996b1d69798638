package io.stashflow.api.topics;

import io.stashflow.events.SessionKey;
import java.util.List;

/**
 * Kafka record keys, defined once.
 *
 * <p>Sessions, plans, outcomes and statuses are keyed {@code cluster/namespace/name} so that everything about one
 * session lands on one partition, in order. Definitions add the kind, because a Function and a Task routinely share a
 * name ({@code postgres-backup-16.1}): {@code cluster/Kind/namespace/name}, with an empty namespace for cluster-scoped
 * kinds. Kubernetes names and namespaces cannot contain {@code /}, so the key splits back unambiguously.
 */
public final class RecordKeys {

    private RecordKeys() {
    }

    public static String of(String cluster, String namespace, String name) {
        return requireSegment("cluster", cluster) + "/" + requireSegment("namespace", namespace) + "/"
                + requireSegment("name", name);
    }

    public static String of(SessionKey key) {
        return of(key.getCluster(), key.getNamespace(), key.getName());
    }

    public static String definition(String cluster, String kind, String namespace, String name) {
        String ns = namespace == null ? "" : namespace;
        if (ns.contains("/")) {
            throw new IllegalArgumentException("namespace '" + ns + "' must not contain '/'");
        }
        return requireSegment("cluster", cluster) + "/" + requireSegment("kind", kind) + "/" + ns + "/"
                + requireSegment("name", name);
    }

    /** Splits a key made by {@link #of(String, String, String)}. */
    public static Parts parse(String key) {
        if (key == null) {
            throw new IllegalArgumentException("record key is missing; expected cluster/namespace/name");
        }
        String[] parts = key.split("/", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            throw new IllegalArgumentException("record key '" + key + "' is not of the form cluster/namespace/name");
        }
        return new Parts(parts[0], parts[1], parts[2]);
    }

    /** Splits a key made by {@link #definition}. */
    public static DefinitionParts parseDefinition(String key) {
        String[] parts = key == null ? new String[0] : key.split("/", -1);
        if (parts.length != 4 || parts[0].isEmpty() || parts[1].isEmpty() || parts[3].isEmpty()) {
            throw new IllegalArgumentException("definition key '" + key + "' is not of the form cluster/Kind/namespace/name");
        }
        return new DefinitionParts(parts[0], parts[1], parts[2], parts[3]);
    }

    static String requireSegment(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty in a record key");
        }
        if (value.contains("/")) {
            throw new IllegalArgumentException(what + " '" + value + "' must not contain '/' (it separates key parts)");
        }
        return value;
    }

    public record Parts(String cluster, String namespace, String name) {
        public List<String> asList() {
            return List.of(cluster, namespace, name);
        }
    }

    public record DefinitionParts(String cluster, String kind, String namespace, String name) {
    }
}
