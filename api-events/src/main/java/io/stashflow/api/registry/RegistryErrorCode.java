package io.stashflow.api.registry;

/**
 * Confluent Schema Registry's error codes with the HTTP status each travels with. Clients in every language switch on
 * these numbers, so the embedded registry answers exactly them.
 */
public enum RegistryErrorCode {
    /** The subject has no version (never registered, or unknown to this registry). */
    SUBJECT_NOT_FOUND(404, 40401),
    /** The subject exists but not with this version number. */
    VERSION_NOT_FOUND(404, 40402),
    /** No schema has this id, or the subject does not hold this schema. */
    SCHEMA_NOT_FOUND(404, 40403),
    /** The schema is incompatible with the subject's latest version under the compatibility level. */
    INCOMPATIBLE_SCHEMA(409, 409),
    /** The schema text is not a valid schema (or not of a supported type). */
    INVALID_SCHEMA(422, 42201),
    /** The version in the path is neither a positive number nor {@code latest}. */
    INVALID_VERSION(422, 42202),
    /** The registry's storage failed (for the embedded registry: its schema log). */
    STORE_ERROR(500, 50001),
    /** The registry's storage did not answer in time. */
    OPERATION_TIMED_OUT(500, 50002);

    private final int httpStatus;
    private final int code;

    RegistryErrorCode(int httpStatus, int code) {
        this.httpStatus = httpStatus;
        this.code = code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The number sent as {@code error_code}. */
    public int code() {
        return code;
    }

    /** A new exception with this code's HTTP status and error code. */
    public SchemaRegistryException exception(String message) {
        return new SchemaRegistryException(httpStatus, code, message);
    }

    /** A new exception with this code's HTTP status and error code, caused by {@code cause}. */
    public SchemaRegistryException exception(String message, Throwable cause) {
        return new SchemaRegistryException(httpStatus, code, message, cause);
    }
}
