package io.stashflow.planner.definitions;

/**
 * A definition that is in {@code stash.definitions} but cannot be read as the Stash resource its key names. Raised
 * when the resolver asks for it, so the session that needs it is rejected with this reason instead of a misleading
 * "not found".
 */
public final class UnreadableDefinitionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String kind;
    private final String namespace;
    private final String name;

    public UnreadableDefinitionException(String kind, String namespace, String name, String message) {
        super(message);
        this.kind = kind;
        this.namespace = namespace;
        this.name = name;
    }

    public String kind() {
        return kind;
    }

    /** Empty for cluster-scoped kinds. */
    public String namespace() {
        return namespace;
    }

    public String name() {
        return name;
    }
}
