package io.stashflow.planner.resolver;

import java.util.Objects;

/**
 * A session cannot be turned into a pod. Besides the message (written for the person who has to fix the
 * definitions), the exception carries structured fields so that a planner can put them into a
 * {@code PlanRejected} event or a condition without parsing text.
 *
 * <p>{@link #resourceKind()} and {@link #resourceName()} name the resource that has to change (for an
 * unresolved variable: the Function or Task that uses it; for a missing resource: the one that refers to it),
 * {@link #fieldPath()} the field inside it (e.g. {@code spec.args[3]}), {@link #variable()} the variable that
 * had no value. Fields that do not apply are {@code null}.
 */
public final class ResolutionException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What kind of failure this is. */
    public enum Reason {
        /** A {@code ${X}} without a default whose variable is absent. */
        UNRESOLVED_VARIABLE,
        /** A placeholder that is not valid envsubst syntax, or an argument envsubst rejects. */
        INVALID_SUBSTITUTION,
        /** A Function, Task, Repository, AppBinding, invoker or session that is referred to but not defined. */
        MISSING_DEFINITION,
        /** A Task without steps. */
        NO_STEPS,
        /** A Repository whose backend names no known provider. */
        INVALID_BACKEND,
        /** Input that Stash accepts but that the Job model (the only model Stashflow runs) cannot express. */
        UNSUPPORTED,
        /** Input that is malformed, e.g. an invoker reference with an unknown kind. */
        INVALID_INPUT
    }

    private final Reason reason;
    private final String resourceKind;
    private final String resourceName;
    private final String fieldPath;
    private final String variable;

    public ResolutionException(Reason reason, String resourceKind, String resourceName, String fieldPath,
            String variable, String message) {
        this(reason, resourceKind, resourceName, fieldPath, variable, message, null);
    }

    public ResolutionException(Reason reason, String resourceKind, String resourceName, String fieldPath,
            String variable, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.resourceKind = resourceKind;
        this.resourceName = resourceName;
        this.fieldPath = fieldPath;
        this.variable = variable;
    }

    static ResolutionException missing(String kind, String name, String referrerDescription, String fix) {
        return new ResolutionException(Reason.MISSING_DEFINITION, kind, name, null, null,
                "can't get " + kind + " " + name + " " + referrerDescription + ": it is not among the definitions. "
                        + fix);
    }

    public Reason reason() {
        return reason;
    }

    /** Kind of the resource to fix, e.g. {@code Function}; may be {@code null}. */
    public String resourceKind() {
        return resourceKind;
    }

    /** Name ({@code name} or {@code namespace/name}) of the resource to fix; may be {@code null}. */
    public String resourceName() {
        return resourceName;
    }

    /** Path of the offending field inside the resource, e.g. {@code spec.args[3]}; may be {@code null}. */
    public String fieldPath() {
        return fieldPath;
    }

    /** The variable without a value, for {@link Reason#UNRESOLVED_VARIABLE}; otherwise {@code null}. */
    public String variable() {
        return variable;
    }
}
