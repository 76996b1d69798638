package io.stashflow.api.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfluentWireFormatTest {

    @Test
    void theSchemaIdIsBigEndianAfterTheMagicByte() {
        assertEquals(0x01020304, ConfluentWireFormat.schemaId(new byte[] {0, 1, 2, 3, 4, 99}));
        assertEquals(-1, ConfluentWireFormat.schemaId(new byte[] {0, -1, -1, -1, -1}));
    }

    @Test
    void theHeaderIsWrittenBigEndian() {
        byte[] header = new byte[5];
        ConfluentWireFormat.writeHeader(header, 0x0A0B0C0D);
        assertArrayEquals(new byte[] {0, 0x0A, 0x0B, 0x0C, 0x0D}, header);
    }

    @Test
    void aShortPayloadIsTruncated() {
        UndecodableRecordException e = assertThrows(UndecodableRecordException.class,
                () -> ConfluentWireFormat.schemaId(new byte[] {0, 0, 1}));
        assertEquals(UndecodableRecordException.Reason.TRUNCATED_HEADER, e.reason());
        assertTrue(e.getMessage().startsWith("truncated payload: 3 byte(s)"), e.getMessage());
        assertTrue(e.schemaId().isEmpty());
    }

    @Test
    void anotherFirstByteIsAnUnknownMagicByte() {
        UndecodableRecordException e = assertThrows(UndecodableRecordException.class,
                () -> ConfluentWireFormat.schemaId("{\"json\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(UndecodableRecordException.Reason.UNKNOWN_MAGIC_BYTE, e.reason());
        assertTrue(e.getMessage().startsWith("unknown magic byte 0x7b"), e.getMessage());
    }
}
