package io.stashflow.planner.topology;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;

/**
 * The encoded record (Confluent framing and Avro binary) of a {@code JobPlanned} made for a stand-in session, cut
 * into constant bytes and holes, so that the record of another session of the same invoker is a handful of array
 * copies instead of building and encoding the event. Avro's binary encoding is a plain concatenation of the values
 * (strings are a length and the bytes, records have no length of their own), which is what makes the cut possible.
 *
 * <p>The holes, found while the stand-in's event is written ({@link #recorder}):
 * <ul>
 *   <li>every string that holds the stand-in name: the name is put in (plan id, session key, owner references,
 *       args, commands, env values);</li>
 *   <li>the string equal to the pod-name marker: the session's pod name, which the caller computes (it is
 *       shortened with a hash when long, so it is not a plain substitution);</li>
 *   <li>the longs equal to the stand-in's {@code plannedAt} and {@code deadline} (chosen so that no real value
 *       equals them): the session's times.</li>
 * </ul>
 * A template is trusted only after its rendering for a real session has been compared with that session's encoded
 * event, byte for byte (the caller does this); a value that merely looked like a hole shows up there. Immutable.
 */
final class EncodedPlanTemplate {

    /** What goes into a hole. */
    private enum Kind {
        /** a string holding the stand-in: its UTF-8 bytes around each occurrence, with the name put in */
        SUBSTITUTED,
        POD_NAME,
        PLANNED_AT,
        DEADLINE
    }

    /** One hole; {@code parts} only for {@link Kind#SUBSTITUTED}. */
    private record Hole(Kind kind, byte[][] parts) {
    }

    /** {@code constants.length == holes.length + 1}: constant, hole, constant, ..., constant. */
    private final byte[][] constants;
    private final Hole[] holes;
    private final int constantBytes;
    private final boolean hasDeadline;

    private EncodedPlanTemplate(byte[][] constants, Hole[] holes) {
        this.constants = constants;
        this.holes = holes;
        int total = 0;
        for (byte[] constant : constants) {
            total += constant.length;
        }
        this.constantBytes = total;
        this.hasDeadline = Arrays.stream(holes).anyMatch(h -> h.kind() == Kind.DEADLINE);
    }

    /** Whether the template has a hole for the deadline (the stand-in event had one). */
    boolean hasDeadline() {
        return hasDeadline;
    }

    /**
     * The encoded event of a session.
     *
     * @param sessionName     the session's name; only {@code [a-z0-9.-]} (the plan cache takes no other), so its
     *                        UTF-8 bytes are its characters
     * @param podName         the session's pod name for this target
     * @param plannedAtMillis {@code plannedAt}
     * @param deadlineMillis  {@code deadline}; ignored when the template has no deadline hole
     */
    byte[] render(String sessionName, String podName, long plannedAtMillis, long deadlineMillis) {
        byte[] name = ascii(sessionName);
        byte[] pod = podName.getBytes(StandardCharsets.UTF_8);
        int size = constantBytes;
        for (Hole hole : holes) {
            size += switch (hole.kind()) {
                case SUBSTITUTED -> stringSize(substitutedLength(hole.parts(), name));
                case POD_NAME -> stringSize(pod.length);
                case PLANNED_AT -> longSize(plannedAtMillis);
                case DEADLINE -> longSize(deadlineMillis);
            };
        }
        byte[] out = new byte[size];
        int at = copy(constants[0], out, 0);
        for (int i = 0; i < holes.length; i++) {
            Hole hole = holes[i];
            switch (hole.kind()) {
                case SUBSTITUTED -> {
                    byte[][] parts = hole.parts();
                    at = writeLong(substitutedLength(parts, name), out, at);
                    at = copy(parts[0], out, at);
                    for (int p = 1; p < parts.length; p++) {
                        at = copy(name, out, at);
                        at = copy(parts[p], out, at);
                    }
                }
                case POD_NAME -> {
                    at = writeLong(pod.length, out, at);
                    at = copy(pod, out, at);
                }
                case PLANNED_AT -> at = writeLong(plannedAtMillis, out, at);
                case DEADLINE -> at = writeLong(deadlineMillis, out, at);
                default -> throw new IllegalStateException("hole " + hole.kind());
            }
            at = copy(constants[i + 1], out, at);
        }
        if (at != size) {
            throw new IllegalStateException("rendered " + at + " of " + size + " bytes");
        }
        return out;
    }

    private static byte[] ascii(String name) {
        byte[] bytes = new byte[name.length()];
        for (int i = 0; i < bytes.length; i++) {
            char c = name.charAt(i);
            if (c >= 0x80) {
                throw new IllegalArgumentException("session name '" + name + "' is not ASCII");
            }
            bytes[i] = (byte) c;
        }
        return bytes;
    }

    private static int substitutedLength(byte[][] parts, byte[] name) {
        int length = name.length * (parts.length - 1);
        for (byte[] part : parts) {
            length += part.length;
        }
        return length;
    }

    private static int copy(byte[] from, byte[] to, int at) {
        System.arraycopy(from, 0, to, at, from.length);
        return at + from.length;
    }

    private static int stringSize(int length) {
        return longSize(length) + length;
    }

    /** Bytes of Avro's zig-zag varint of {@code value}. */
    static int longSize(long value) {
        long n = (value << 1) ^ (value >> 63);
        int size = 1;
        while ((n & ~0x7FL) != 0) {
            n >>>= 7;
            size++;
        }
        return size;
    }

    /** Writes Avro's zig-zag varint of {@code value}. */
    static int writeLong(long value, byte[] out, int at) {
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            out[at++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        out[at++] = (byte) n;
        return at;
    }

    /**
     * An Avro encoder that writes like Avro's binary encoder and cuts the output at the holes; {@link #template}
     * gives the result once the stand-in's event is written through it.
     *
     * @param header           the Confluent framing, the template's first bytes
     * @param standIn          the stand-in session name
     * @param podNameMarker    the stand-in event's pod name
     * @param plannedAtMillis  the stand-in event's {@code plannedAt}
     * @param deadlineMillis   the stand-in event's {@code deadline}, or null when it has none
     */
    static Recorder recorder(byte[] header, String standIn, String podNameMarker, long plannedAtMillis,
                             Long deadlineMillis) {
        return new Recorder(header, standIn, podNameMarker, plannedAtMillis, deadlineMillis);
    }

    static final class Recorder extends Encoder {
        private final String standIn;
        private final String podNameMarker;
        private final long plannedAtMillis;
        private final Long deadlineMillis;
        private final ByteArrayOutputStream segment = new ByteArrayOutputStream();
        private final BinaryEncoder binary = EncoderFactory.get().directBinaryEncoder(segment, null);
        private final List<byte[]> constants = new ArrayList<>();
        private final List<Hole> holes = new ArrayList<>();

        private Recorder(byte[] header, String standIn, String podNameMarker, long plannedAtMillis,
                         Long deadlineMillis) {
            this.standIn = standIn;
            this.podNameMarker = podNameMarker;
            this.plannedAtMillis = plannedAtMillis;
            this.deadlineMillis = deadlineMillis;
            segment.writeBytes(header);
        }

        /** The template of what was written. */
        EncodedPlanTemplate template() {
            flushBinary();
            List<byte[]> all = new ArrayList<>(constants);
            all.add(segment.toByteArray());
            return new EncodedPlanTemplate(all.toArray(byte[][]::new), holes.toArray(Hole[]::new));
        }

        private void hole(Hole hole) {
            flushBinary();
            constants.add(segment.toByteArray());
            segment.reset();
            holes.add(hole);
        }

        private void flushBinary() {
            try {
                binary.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void string(String value) throws IOException {
            if (value.equals(podNameMarker)) {
                hole(new Hole(Kind.POD_NAME, null));
            } else if (value.contains(standIn)) {
                String[] pieces = value.split(java.util.regex.Pattern.quote(standIn), -1);
                byte[][] parts = new byte[pieces.length][];
                for (int i = 0; i < pieces.length; i++) {
                    parts[i] = pieces[i].getBytes(StandardCharsets.UTF_8);
                }
                hole(new Hole(Kind.SUBSTITUTED, parts));
            } else {
                binary.writeString(value);
            }
        }

        @Override
        public void writeString(Utf8 utf8) throws IOException {
            string(utf8.toString());
        }

        @Override
        public void writeString(String str) throws IOException {
            string(str);
        }

        @Override
        public void writeString(CharSequence charSequence) throws IOException {
            string(charSequence.toString());
        }

        @Override
        public void writeLong(long n) throws IOException {
            if (n == plannedAtMillis) {
                hole(new Hole(Kind.PLANNED_AT, null));
            } else if (deadlineMillis != null && n == deadlineMillis) {
                hole(new Hole(Kind.DEADLINE, null));
            } else {
                binary.writeLong(n);
            }
        }

        @Override
        public void writeNull() throws IOException {
            binary.writeNull();
        }

        @Override
        public void writeBoolean(boolean b) throws IOException {
            binary.writeBoolean(b);
        }

        @Override
        public void writeInt(int n) throws IOException {
            binary.writeInt(n);
        }

        @Override
        public void writeFloat(float f) throws IOException {
            binary.writeFloat(f);
        }

        @Override
        public void writeDouble(double d) throws IOException {
            binary.writeDouble(d);
        }

        @Override
        public void writeBytes(ByteBuffer bytes) throws IOException {
            binary.writeBytes(bytes);
        }

        @Override
        public void writeBytes(byte[] bytes, int start, int len) throws IOException {
            binary.writeBytes(bytes, start, len);
        }

        @Override
        public void writeFixed(byte[] bytes, int start, int len) throws IOException {
            binary.writeFixed(bytes, start, len);
        }

        @Override
        public void writeEnum(int e) throws IOException {
            binary.writeEnum(e);
        }

        @Override
        public void writeArrayStart() throws IOException {
            binary.writeArrayStart();
        }

        @Override
        public void setItemCount(long itemCount) throws IOException {
            binary.setItemCount(itemCount);
        }

        @Override
        public void startItem() throws IOException {
            binary.startItem();
        }

        @Override
        public void writeArrayEnd() throws IOException {
            binary.writeArrayEnd();
        }

        @Override
        public void writeMapStart() throws IOException {
            binary.writeMapStart();
        }

        @Override
        public void writeMapEnd() throws IOException {
            binary.writeMapEnd();
        }

        @Override
        public void writeIndex(int unionIndex) throws IOException {
            binary.writeIndex(unionIndex);
        }

        @Override
        public void flush() throws IOException {
            binary.flush();
        }
    }
}
