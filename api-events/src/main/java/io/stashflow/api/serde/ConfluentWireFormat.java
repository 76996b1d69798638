package io.stashflow.api.serde;

import java.nio.ByteBuffer;

/**
 * Confluent's wire format: magic byte {@code 0}, the schema id as a 4-byte big-endian int, then the Avro binary
 * encoding of the record. Every Confluent-compatible serde in every language reads and writes this framing.
 */
public final class ConfluentWireFormat {

    public static final byte MAGIC_BYTE = 0;
    /** Magic byte plus schema id. */
    public static final int HEADER_SIZE = 5;

    private ConfluentWireFormat() {
    }

    /** The schema id in a framed payload. */
    public static int schemaId(byte[] payload) {
        if (payload.length < HEADER_SIZE) {
            throw new UndecodableRecordException(UndecodableRecordException.Reason.TRUNCATED_HEADER, null,
                    "truncated payload: " + payload.length + " byte(s), but the Confluent wire format needs at least "
                            + HEADER_SIZE + " (magic byte 0 and a 4-byte schema id)", null);
        }
        if (payload[0] != MAGIC_BYTE) {
            throw new UndecodableRecordException(UndecodableRecordException.Reason.UNKNOWN_MAGIC_BYTE, null,
                    String.format("unknown magic byte 0x%02x: the Confluent wire format starts with 0x00 (was this"
                            + " written by another serializer, e.g. plain JSON or Avro without a registry?)",
                            payload[0] & 0xff), null);
        }
        return ByteBuffer.wrap(payload, 1, 4).getInt();
    }

    /** Writes the 5-byte header into {@code target} at its start. */
    static void writeHeader(byte[] target, int schemaId) {
        target[0] = MAGIC_BYTE;
        ByteBuffer.wrap(target, 1, 4).putInt(schemaId);
    }
}
