package io.stashflow.planner.envsubst;

import java.util.Objects;

/**
 * Failure of an envsubst parse or evaluation. For syntax errors and missing variables the message
 * is exactly the text gomodules.xyz/envsubst v0.2.0 returns (for example
 * {@code input/default value not found for key X}), because Stash surfaces that text in conditions
 * and users search for it. Where upstream has no error (it panics, or recurses without limit) the
 * message is this implementation's own and says what to change.
 */
public final class EnvsubstException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /**
         * The template is not valid envsubst syntax, or nests expressions deeper than this engine
         * supports (see {@link EnvsubstTemplate}).
         */
        PARSE,
        /** A variable referenced without a default is absent from the value map. */
        VALUE_NOT_FOUND,
        /**
         * An argument is unusable at evaluation time: a negative substring length, or an offset
         * plus length beyond the 64-bit range. Go panics on both.
         */
        BAD_ARGUMENT
    }

    private final Kind kind;
    private final String key;

    private EnvsubstException(Kind kind, String key, String message) {
        super(message, null, false, false);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.key = key;
    }

    static EnvsubstException parse(String message) {
        return new EnvsubstException(Kind.PARSE, null, message);
    }

    static EnvsubstException valueNotFound(String key) {
        return new EnvsubstException(Kind.VALUE_NOT_FOUND, key,
                "input/default value not found for key " + key);
    }

    static EnvsubstException badArgument(String message) {
        return new EnvsubstException(Kind.BAD_ARGUMENT, null, message);
    }

    public Kind kind() {
        return kind;
    }

    /** The variable name for {@link Kind#VALUE_NOT_FOUND}, otherwise {@code null}. */
    public String key() {
        return key;
    }

    /** The error text; never null. */
    @Override
    public String getMessage() {
        return super.getMessage();
    }
}
