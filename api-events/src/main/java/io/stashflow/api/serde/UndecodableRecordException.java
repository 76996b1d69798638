package io.stashflow.api.serde;

import java.util.OptionalInt;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that are not a decodable Confluent-framed Avro record. The message says what was wrong in words fit for the
 * {@code reason} of a {@code stash.rejected} record; {@link #reason()} says it as a value a program can switch on.
 *
 * <p>Only problems of the bytes themselves are reported this way. A registry that cannot be reached is a plain
 * {@link SerializationException}: the record may well be fine, and must not be rejected for an outage.
 */
public class UndecodableRecordException extends SerializationException {

    private static final long serialVersionUID = 1L;

    /** What was wrong with the bytes. */
    public enum Reason {
        /** fewer than the 5 bytes of the frame header */
        TRUNCATED_HEADER,
        /** the first byte is not 0 */
        UNKNOWN_MAGIC_BYTE,
        /** the registry has no schema with the id in the header */
        UNKNOWN_SCHEMA_ID,
        /** the writer schema cannot be read as the expected record type */
        INCOMPATIBLE_WRITER_SCHEMA,
        /** the Avro body does not decode with the writer schema (truncated, corrupt, or trailing bytes) */
        AVRO_ERROR
    }

    private final Reason reason;
    private final Integer schemaId;

    public UndecodableRecordException(Reason reason, Integer schemaId, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.schemaId = schemaId;
    }

    public Reason reason() {
        return reason;
    }

    /** The schema id from the frame header, when the header was readable. */
    public OptionalInt schemaId() {
        return schemaId == null ? OptionalInt.empty() : OptionalInt.of(schemaId);
    }
}
