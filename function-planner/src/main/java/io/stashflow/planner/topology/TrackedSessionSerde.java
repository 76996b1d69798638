package io.stashflow.planner.topology;

import io.stashflow.planner.lifecycle.SessionType;
import io.stashflow.planner.lifecycle.Stage;
import io.stashflow.planner.lifecycle.TargetKey;
import io.stashflow.planner.lifecycle.TargetSlot;
import io.stashflow.planner.lifecycle.TrackedSession;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The {@link TrackedSession} values of the planner's {@code planner-sessions} store, in a compact binary form written
 * by hand: writing them with Jackson cost about 3 % of the stream thread per session. Records written as JSON by
 * older planners are still read, so existing stores and changelogs load without a migration.
 *
 * <p><b>Format 1.</b> The first byte tells the formats apart: {@code 0x01} is this binary form, while JSON always
 * starts with {@code '{'} (0x7B), possibly after whitespace. Then every field of the record, in this order:
 * <pre>
 *   marker             byte 0x01
 *   name               string (never null)
 *   type               SessionType code
 *   invokerKind        string
 *   invokerName        string
 *   requestedAtMillis  nullable long
 *   retryLeft          int
 *   retryOf            string
 *   labels             count, then count x (key string, value string), neither null
 *   stage              Stage code
 *   targets            count, then count x (index int, ref.kind string, ref.namespace string, ref.name string,
 *                                           planned boolean, phase string)
 *   waitingFor         string
 *   reporterPhase      string
 *   reportedAtMillis   nullable long
 *   retried            boolean
 *   retryDueMillis     nullable long
 * </pre>
 * where
 * <ul>
 *   <li><i>string</i>: unsigned varint of (UTF-8 byte length + 1), then the UTF-8 bytes; a varint 0 is null.
 *       Unpaired surrogates are written as {@code '?'}, as {@code String.getBytes(UTF_8)} and Kafka's own
 *       StringSerializer do: failing the write would stop the stream thread over one odd character.</li>
 *   <li><i>int</i>: zigzag varint (LEB128, 7 bits a byte, least significant group first), at most 5 bytes.</li>
 *   <li><i>nullable long</i>: a byte 0 (null) or 1, and after a 1 a zigzag varint of at most 10 bytes. Not folded
 *       into the varint because {@code Long.MIN_VALUE} leaves no spare value for null.</li>
 *   <li><i>count</i>: unsigned varint. <i>boolean</i>: a byte 0 or 1.</li>
 *   <li><i>codes</i>: one byte, from the tables in {@link #typeCode} and {@link #stageCode}, never
 *       {@code ordinal()}, so that reordering an enum cannot silently turn one stored value into another. A new
 *       constant fails compilation of those switches until it is given a new code; an unknown code is refused.</li>
 * </ul>
 *
 * <p><b>Evolution.</b> A reader ignores the bytes after the fields it knows. A later version may therefore append
 * fields at the end and keep the marker 0x01 (older planners then read it, dropping the new fields). A change that
 * older readers cannot skip must take a new marker byte; this reader refuses any first byte that is neither 0x01 nor
 * JSON, saying that a newer planner wrote it, rather than guessing.
 *
 * <p>Corrupt or truncated bytes fail with a {@link SerializationException} naming the field, its byte offset and
 * the record's length; nothing else escapes {@link #deserialize}.
 */
public final class TrackedSessionSerde implements Serde<TrackedSession>, Serializer<TrackedSession>,
        Deserializer<TrackedSession> {

    /** First byte of format 1. */
    static final byte FORMAT_1 = 0x01;

    private static final JsonSerde<TrackedSession> LEGACY_JSON = new JsonSerde<>(TrackedSession.class);

    /*
     * One serde instance serves every stream thread (the store builder shares it between tasks), so a per-instance
     * buffer would race; a thread-local one is reused across the writes of a stream thread without locking.
     */
    private static final ThreadLocal<Writer> WRITERS = ThreadLocal.withInitial(Writer::new);

    // -- codes: part of the stored format, never renumber ------------------------------------------------------

    static byte typeCode(SessionType type) {
        return switch (type) {
            case BACKUP -> 1;
            case RESTORE -> 2;
        };
    }

    static SessionType typeOf(int code) {
        return switch (code) {
            case 1 -> SessionType.BACKUP;
            case 2 -> SessionType.RESTORE;
            default -> null;
        };
    }

    static byte stageCode(Stage stage) {
        return switch (stage) {
            case PENDING -> 1;
            case PLANNED -> 2;
            case SKIPPED -> 3;
            case REJECTED -> 4;
            case OBSERVED -> 5;
        };
    }

    static Stage stageOf(int code) {
        return switch (code) {
            case 1 -> Stage.PENDING;
            case 2 -> Stage.PLANNED;
            case 3 -> Stage.SKIPPED;
            case 4 -> Stage.REJECTED;
            case 5 -> Stage.OBSERVED;
            default -> null;
        };
    }

    // -- write ---------------------------------------------------------------------------------------------------

    @Override
    public byte[] serialize(String topic, TrackedSession s) {
        if (s == null) {
            return null;
        }
        Writer w = WRITERS.get();
        w.pos = 0;
        try {
            w.writeByte(FORMAT_1);
            w.writeString(s.name());
            w.writeByte(typeCode(s.type()));
            w.writeString(s.invokerKind());
            w.writeString(s.invokerName());
            w.writeNullableLong(s.requestedAtMillis());
            w.writeInt(s.retryLeft());
            w.writeString(s.retryOf());
            Map<String, String> labels = s.labels();
            w.writeVarint(labels.size());
            for (Map.Entry<String, String> label : labels.entrySet()) {
                w.writeString(label.getKey());
                w.writeString(label.getValue());
            }
            w.writeByte(stageCode(s.stage()));
            List<TargetSlot> targets = s.targets();
            w.writeVarint(targets.size());
            for (TargetSlot slot : targets) {
                w.writeInt(slot.index());
                w.writeString(slot.ref().kind());
                w.writeString(slot.ref().namespace());
                w.writeString(slot.ref().name());
                w.writeByte(slot.planned() ? 1 : 0);
                w.writeString(slot.phase());
            }
            w.writeString(s.waitingFor());
            w.writeString(s.reporterPhase());
            w.writeNullableLong(s.reportedAtMillis());
            w.writeByte(s.retried() ? 1 : 0);
            w.writeNullableLong(s.retryDueMillis());
            return Arrays.copyOf(w.buf, w.pos);
        } finally {
            w.release();
        }
    }

    /** A growable output buffer; one per stream thread. */
    private static final class Writer {

        private static final int INITIAL = 512;
        /** A rare huge session should not pin its buffer for the life of the thread. */
        private static final int MAX_RETAINED = 64 * 1024;

        byte[] buf = new byte[INITIAL];
        int pos;

        void release() {
            if (buf.length > MAX_RETAINED) {
                buf = new byte[INITIAL];
            }
        }

        private void ensure(int more) {
            if (buf.length - pos < more) {
                // long arithmetic: a string near Integer.MAX_VALUE bytes must fail cleanly, not wrap around
                long needed = (long) pos + more;
                long grown = Math.max(needed, 2L * buf.length);
                if (needed > Integer.MAX_VALUE - 8) {
                    throw new SerializationException("cannot write a TrackedSession: it would exceed 2 GiB");
                }
                buf = Arrays.copyOf(buf, (int) Math.min(grown, Integer.MAX_VALUE - 8));
            }
        }

        void writeByte(int b) {
            ensure(1);
            buf[pos++] = (byte) b;
        }

        void writeVarint(long v) {
            ensure(10);
            byte[] b = buf;
            int p = pos;
            while ((v & ~0x7FL) != 0) {
                b[p++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            b[p++] = (byte) v;
            pos = p;
        }

        void writeInt(int v) {
            writeVarint(((v << 1) ^ (v >> 31)) & 0xFFFFFFFFL);
        }

        void writeNullableLong(Long v) {
            if (v == null) {
                writeByte(0);
            } else {
                writeByte(1);
                long x = v;
                writeVarint((x << 1) ^ (x >> 63));
            }
        }

        void writeString(String s) {
            if (s == null) {
                writeByte(0);
                return;
            }
            // The length prefix comes first, so measure before encoding; for the short ASCII names that fill a
            // session this pass is cheaper than encoding into a temporary array and copying it.
            int chars = s.length();
            int len = utf8Length(s, chars);
            writeVarint(len + 1L);
            ensure(len);
            if (len == chars) {
                // every char takes one byte: ASCII, or an unpaired surrogate that becomes '?'
                byte[] b = buf;
                int p = pos;
                for (int i = 0; i < chars; i++) {
                    char c = s.charAt(i);
                    b[p++] = c < 0x80 ? (byte) c : (byte) '?';
                }
                pos = p;
            } else {
                encodeUtf8(s, chars);
            }
        }

        private static int utf8Length(String s, int chars) {
            long len = chars;
            for (int i = 0; i < chars; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    if (c < 0x800) {
                        len += 1;
                    } else if (Character.isHighSurrogate(c) && i + 1 < chars
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        len += 2; // two chars, four bytes
                        i++;
                    } else if (!Character.isSurrogate(c)) {
                        len += 2;
                    } // an unpaired surrogate stays one byte: '?'
                }
            }
            if (len > Integer.MAX_VALUE - 16) {
                throw new SerializationException("cannot write a TrackedSession: a string exceeds 2 GiB in UTF-8");
            }
            return (int) len;
        }

        private void encodeUtf8(String s, int chars) {
            byte[] b = buf;
            int p = pos;
            for (int i = 0; i < chars; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    b[p++] = (byte) c;
                } else if (c < 0x800) {
                    b[p++] = (byte) (0xC0 | (c >> 6));
                    b[p++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isSurrogate(c)) {
                    char low;
                    if (Character.isHighSurrogate(c) && i + 1 < chars
                            && Character.isLowSurrogate(low = s.charAt(i + 1))) {
                        int cp = Character.toCodePoint(c, low);
                        i++;
                        b[p++] = (byte) (0xF0 | (cp >> 18));
                        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                        b[p++] = (byte) (0x80 | (cp & 0x3F));
                    } else {
                        b[p++] = (byte) '?';
                    }
                } else {
                    b[p++] = (byte) (0xE0 | (c >> 12));
                    b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    b[p++] = (byte) (0x80 | (c & 0x3F));
                }
            }
            pos = p;
        }
    }

    // -- read ----------------------------------------------------------------------------------------------------

    @Override
    public TrackedSession deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length == 0) {
            throw new SerializationException("cannot read a TrackedSession" + onTopic(topic)
                    + ": the record is empty (0 bytes)");
        }
        if (data[0] == FORMAT_1) {
            return new Reader(topic, data).readSession();
        }
        int i = 0;
        while (i < data.length && isJsonWhitespace(data[i])) {
            i++;
        }
        if (i < data.length && data[i] == '{') {
            // written by a planner from before the binary format
            return LEGACY_JSON.deserialize(topic, data);
        }
        throw new SerializationException(String.format(
                "cannot read a TrackedSession%s: its first byte 0x%02X is neither format 0x01 nor JSON; a newer"
                        + " planner wrote it (%d bytes). Run a planner version that knows this format.",
                onTopic(topic), data[0] & 0xFF, data.length));
    }

    private static boolean isJsonWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static String onTopic(String topic) {
        return topic == null ? "" : " (topic " + topic + ")";
    }

    /** Reads one format-1 record straight from the array; every read checks the bounds before touching it. */
    private static final class Reader {

        private final String topic;
        private final byte[] b;
        private int pos = 1; // after the marker
        /** Which target is being read, for messages; -1 outside the list. */
        private int element = -1;

        Reader(String topic, byte[] b) {
            this.topic = topic;
            this.b = b;
        }

        TrackedSession readSession() {
            String name = readRequiredString("name");
            SessionType type = readType();
            String invokerKind = readString("invokerKind");
            String invokerName = readString("invokerName");
            Long requestedAtMillis = readNullableLong("requestedAtMillis");
            int retryLeft = readInt("retryLeft");
            String retryOf = readString("retryOf");
            Map<String, String> labels = readLabels();
            Stage stage = readStage();
            List<TargetSlot> targets = readTargets();
            String waitingFor = readString("waitingFor");
            String reporterPhase = readString("reporterPhase");
            Long reportedAtMillis = readNullableLong("reportedAtMillis");
            boolean retried = readBoolean("retried");
            Long retryDueMillis = readNullableLong("retryDueMillis");
            // bytes after this point are fields of a later version: ignored by design
            try {
                return new TrackedSession(name, type, invokerKind, invokerName, requestedAtMillis, retryLeft, retryOf,
                        labels, stage, targets, waitingFor, reporterPhase, reportedAtMillis, retried, retryDueMillis);
            } catch (RuntimeException e) {
                throw new SerializationException("cannot read a TrackedSession" + onTopic(topic) + " from a "
                        + b.length + "-byte record: its fields are inconsistent: " + e.getMessage(), e);
            }
        }

        private SessionType readType() {
            int at = pos;
            int code = readByte("type");
            SessionType type = typeOf(code);
            if (type == null) {
                throw corrupt("type", at, "unknown session type code " + code);
            }
            return type;
        }

        private Stage readStage() {
            int at = pos;
            int code = readByte("stage");
            Stage stage = stageOf(code);
            if (stage == null) {
                throw corrupt("stage", at, "unknown stage code " + code);
            }
            return stage;
        }

        @SuppressWarnings("unchecked")
        private Map<String, String> readLabels() {
            // smallest label: two empty strings, one byte each
            int count = readCount("labels", 2);
            if (count == 0) {
                return Map.of();
            }
            // Map.ofEntries builds the immutable map that TrackedSession's Map.copyOf then keeps as is: one copy
            Map.Entry<String, String>[] entries = new Map.Entry[count];
            for (int i = 0; i < count; i++) {
                String key = readRequiredString("labels key");
                String value = readRequiredString("labels value");
                entries[i] = Map.entry(key, value);
            }
            try {
                return Map.ofEntries(entries);
            } catch (IllegalArgumentException e) {
                throw corrupt("labels", pos, "duplicate label key (" + e.getMessage() + ")");
            }
        }

        private List<TargetSlot> readTargets() {
            // smallest target: index, three empty strings, planned, null phase: one byte each
            int count = readCount("targets", 6);
            if (count == 0) {
                return List.of();
            }
            TargetSlot[] slots = new TargetSlot[count];
            for (int i = 0; i < count; i++) {
                element = i;
                int index = readInt("targets[].index");
                String kind = readRequiredString("targets[].ref.kind");
                String namespace = readRequiredString("targets[].ref.namespace");
                String name = readRequiredString("targets[].ref.name");
                boolean planned = readBoolean("targets[].planned");
                String phase = readString("targets[].phase");
                slots[i] = new TargetSlot(index, new TargetKey(kind, namespace, name), planned, phase);
            }
            element = -1;
            // List.of keeps its own copy, which TrackedSession's List.copyOf then reuses
            return List.of(slots);
        }

        private int readByte(String field) {
            if (pos >= b.length) {
                throw truncated(field, pos, 1);
            }
            return b[pos++] & 0xFF;
        }

        private boolean readBoolean(String field) {
            int at = pos;
            int v = readByte(field);
            if (v > 1) {
                throw corrupt(field, at, "boolean byte " + v + " is neither 0 nor 1");
            }
            return v == 1;
        }

        /** An unsigned LEB128 varint of at most 10 bytes (64 bits). */
        private long readVarint(String field) {
            int at = pos;
            byte[] a = b;
            int p = pos;
            if (p < a.length && a[p] >= 0) {
                pos = p + 1; // the one-byte case: small counts, lengths and indexes
                return a[p];
            }
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (p >= a.length) {
                    throw truncated(field, at, p - at + 1);
                }
                byte x = a[p++];
                if (shift == 63 && (x & 0xFE) != 0) {
                    throw corrupt(field, at, "varint overflows 64 bits");
                }
                v |= (long) (x & 0x7F) << shift;
                if (x >= 0) {
                    pos = p;
                    return v;
                }
            }
            throw corrupt(field, at, "varint longer than 10 bytes");
        }

        private int readInt(String field) {
            int at = pos;
            long v = readVarint(field);
            if ((v >>> 32) != 0) {
                throw corrupt(field, at, "varint " + Long.toUnsignedString(v) + " does not fit in 32 bits");
            }
            int u = (int) v;
            return (u >>> 1) ^ -(u & 1);
        }

        private Long readNullableLong(String field) {
            int at = pos;
            int present = readByte(field);
            if (present == 0) {
                return null;
            }
            if (present != 1) {
                throw corrupt(field, at, "presence byte " + present + " is neither 0 (null) nor 1");
            }
            long v = readVarint(field);
            return (v >>> 1) ^ -(v & 1);
        }

        /** A count whose elements take at least {@code minBytes} each, so corrupt counts cannot allocate gigabytes. */
        private int readCount(String field, int minBytes) {
            int at = pos;
            long v = readVarint(field);
            if (v < 0 || v > (b.length - pos) / minBytes) {
                throw corrupt(field, at, "count " + Long.toUnsignedString(v) + " cannot fit in the "
                        + (b.length - pos) + " bytes left");
            }
            return (int) v;
        }

        private String readRequiredString(String field) {
            int at = pos;
            String s = readString(field);
            if (s == null) {
                throw corrupt(field, at, "null where a string is required");
            }
            return s;
        }

        private String readString(String field) {
            int at = pos;
            long lenPlusOne = readVarint(field);
            if (lenPlusOne == 0) {
                return null;
            }
            long len = lenPlusOne - 1;
            if (len < 0) {
                throw corrupt(field, at, "string length " + Long.toUnsignedString(len) + " is out of range");
            }
            if (len > b.length - pos) {
                throw truncated(field, at, (pos - at) + len);
            }
            int start = pos;
            int n = (int) len;
            pos += n;
            // The JDK's decoder is the fast path but replaces malformed input with U+FFFD instead of failing; a
            // strict check only when U+FFFD shows up keeps corruption detectable at no cost for valid text.
            String s = new String(b, start, n, StandardCharsets.UTF_8);
            if (s.indexOf('\uFFFD') >= 0) {
                try {
                    StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(b, start, n));
                } catch (CharacterCodingException e) {
                    throw corrupt(field, at, "the " + n + "-byte string is not valid UTF-8");
                }
            }
            return s;
        }

        private SerializationException truncated(String field, int at, long needed) {
            return corrupt(field, at, "needs " + needed + " byte(s) but the record ends after "
                    + (b.length - at));
        }

        private SerializationException corrupt(String field, int at, String why) {
            String named = element >= 0 ? field.replace("[]", "[" + element + "]") : field;
            return new SerializationException("cannot read field " + named + " of a TrackedSession" + onTopic(topic)
                    + " at byte offset " + at + " of a " + b.length + "-byte record: " + why);
        }
    }

    @Override
    public void close() {
        // nothing to release
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the format is fixed
    }

    @Override
    public Serializer<TrackedSession> serializer() {
        return this;
    }

    @Override
    public Deserializer<TrackedSession> deserializer() {
        return this;
    }
}
