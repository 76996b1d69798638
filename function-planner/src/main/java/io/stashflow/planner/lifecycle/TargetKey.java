package io.stashflow.planner.lifecycle;

import java.util.Objects;

/**
 * A backup target as the concurrency rules compare them: kind, namespace and name (Stash's {@code TargetMatched}),
 * with the namespace already defaulted to the invoker's.
 */
public record TargetKey(String kind, String namespace, String name) {

    public TargetKey {
        kind = kind == null ? "" : kind;
        namespace = namespace == null ? "" : namespace;
        name = name == null ? "" : name;
    }

    /** A target ref whose empty namespace means the invoker's namespace. */
    public static TargetKey of(String kind, String namespace, String name, String invokerNamespace) {
        String ns = namespace == null || namespace.isEmpty() ? invokerNamespace : namespace;
        return new TargetKey(kind, ns, name);
    }

    /** {@code Kind namespace/name}, for messages. */
    public String describe() {
        return kind + " " + namespace + "/" + name;
    }

    public boolean sameAs(TargetKey other) {
        return Objects.equals(this, other);
    }
}
