package io.stashflow.planner.topology;

import java.util.Objects;

/**
 * The keys the planner's in-memory indexes ({@link SessionIndex}, {@link StatusView}, {@link FactsView}) are looked
 * up by, once or more per session. Their equals and hashCode are written out: a record's generated ones go through
 * method handles, which showed in the stream thread's profile.
 */
final class IndexKeys {

    private IndexKeys() {
    }

    /** A namespace of a cluster. */
    record NamespaceKey(String cluster, String namespace) {
        @Override
        public int hashCode() {
            return cluster.hashCode() * 31 + namespace.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NamespaceKey k && cluster.equals(k.cluster) && namespace.equals(k.namespace);
        }

        @Override
        public String toString() {
            return cluster + "/" + namespace;
        }
    }

    /** An invoker within a namespace: its kind and name (either may be null on a malformed record). */
    record Invoker(String kind, String name) {
        @Override
        public int hashCode() {
            return Objects.hashCode(kind) * 31 + Objects.hashCode(name);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Invoker i && Objects.equals(kind, i.kind) && Objects.equals(name, i.name);
        }
    }
}
