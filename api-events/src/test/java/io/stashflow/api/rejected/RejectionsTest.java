package io.stashflow.api.rejected;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.api.serde.UndecodableRecordException;
import io.stashflow.events.Rejected;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Rejections keep the original bytes, but never so many that the rejection itself cannot be written. */
class RejectionsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    /** Kafka's default largest record (max.request.size). */
    private static final int KAFKA_DEFAULT_MAX_REQUEST = 1024 * 1024;

    @Test
    void aSmallRecordIsKeptWhole() {
        byte[] value = "not avro".getBytes(StandardCharsets.UTF_8);
        Rejected r = Rejections.of(new ConsumerRecord<>("stash.sessions", 1, 7L, "k".getBytes(StandardCharsets.UTF_8),
                value), "planner.decode", new IllegalStateException("unknown magic byte"), CLOCK);
        assertArrayEquals(value, bytes(r.getValue()));
        assertEquals("unknown magic byte", r.getError());
    }

    @Test
    void aRecordLargerThanAKafkaRecordIsCutAndTheReasonSaysSo() {
        byte[] value = new byte[3 * 1024 * 1024];
        Arrays.fill(value, (byte) 'x');
        byte[] key = new byte[Rejections.MAX_KEPT_BYTES + 1];
        Rejected r = Rejections.of(new ConsumerRecord<>("stash.sessions", 0, 1L, key, value), "planner.decode",
                new UndecodableRecordException(UndecodableRecordException.Reason.UNKNOWN_MAGIC_BYTE, null,
                        "unknown magic byte 120", null), CLOCK);
        assertArrayEquals(Arrays.copyOf(value, Rejections.MAX_KEPT_BYTES), bytes(r.getValue()));
        assertEquals(Rejections.MAX_KEPT_BYTES, bytes(r.getKey()).length);
        assertTrue(r.getError().startsWith("unknown magic byte 120"), r.getError());
        assertTrue(r.getError().contains("value: the first 262144 of 3145728 bytes are kept"), r.getError());
        assertTrue(r.getError().contains("key: the first 262144 of 262145 bytes are kept"), r.getError());
        byte[] written = ConfluentAvroSerde.forValues(EmbeddedSchemaRegistry.inMemory(), Rejected.class)
                .serialize("stash.rejected", r);
        assertTrue(written.length < KAFKA_DEFAULT_MAX_REQUEST, "the rejection fits in a Kafka record: "
                + written.length);
    }

    @Test
    void aLargeSourceDocumentIsCutToo() {
        byte[] content = new byte[Rejections.MAX_KEPT_BYTES * 2];
        Rejected r = Rejections.ofSource("/defs/huge.yaml", content, "definitions.parse", "too large", CLOCK);
        assertEquals(Rejections.MAX_KEPT_BYTES, bytes(r.getValue()).length);
        assertEquals("too large (content: the first 262144 of 524288 bytes are kept)", r.getError());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
