package io.stashflow.api.registry;

/**
 * A schema registry refused or failed a request.
 *
 * <p>{@link #httpStatus()} and {@link #errorCode()} are those of Confluent's REST API ({@link RegistryErrorCode});
 * both are 0 when no HTTP answer came at all (registry unreachable, timeout, interrupted). The message never contains
 * credentials.
 */
public class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(int httpStatus, int errorCode, String message) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(int httpStatus, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** The HTTP status of the answer, or 0 when there was none. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent's {@code error_code}, or 0 when there was no answer. */
    public int errorCode() {
        return errorCode;
    }

    /** Whether this carries the given Confluent error code. */
    public boolean is(RegistryErrorCode code) {
        return errorCode == code.code();
    }
}
