package io.stashflow.planner.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.planner.lifecycle.SessionType;
import io.stashflow.planner.lifecycle.Stage;
import io.stashflow.planner.lifecycle.TargetKey;
import io.stashflow.planner.lifecycle.TargetSlot;
import io.stashflow.planner.lifecycle.TrackedSession;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class TrackedSessionSerdeTest {

    private static final String TOPIC = "planner-sessions-changelog";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final TargetKey PG = new TargetKey("AppBinding", "demo", "pg");
    private static final TargetKey WEB = new TargetKey("Deployment", "demo", "web");

    private final TrackedSessionSerde serde = new TrackedSessionSerde();
    private final JsonSerde<TrackedSession> json = new JsonSerde<>(TrackedSession.class);

    private TrackedSession roundTrip(TrackedSession s) {
        return serde.deserialize(TOPIC, serde.serialize(TOPIC, s));
    }

    private static TrackedSession typicalPlanned() {
        return TrackedSession.requested("pg-backup-1772359200", SessionType.BACKUP, "BackupConfiguration",
                        "pg-backup", T0, 2, null, Map.of("app", "pg", "team", "data"))
                .withTargets(List.of(TargetSlot.waiting(0, PG), TargetSlot.waiting(1, WEB)))
                .withPlanned(List.of(0, 1))
                .withReport("Running", T0.plusSeconds(5))
                .withTargetPhases(Map.of(PG, "Running"));
    }

    // -- round trips -----------------------------------------------------------------------------------------

    @Test
    void sessionsBuiltByEveryFactoryAndWithMethodRoundTrip() {
        TrackedSession requested = TrackedSession.requested("pg-backup-1", SessionType.BACKUP, "BackupConfiguration",
                "pg-backup", T0, 2, "pg-backup-0", Map.of("app", "pg", "tier", "db"));
        TrackedSession observed = TrackedSession.observed("restore-1", SessionType.RESTORE, "RestoreSession",
                "restore-1", List.of(TargetSlot.waiting(0, PG), TargetSlot.waiting(1, WEB).withPhase("Failed")));
        List<TrackedSession> sessions = new ArrayList<>(List.of(requested, observed));
        for (TrackedSession base : List.of(requested, observed)) {
            TrackedSession withTargets = base.withTargets(List.of(TargetSlot.waiting(0, PG), TargetSlot.waiting(3, WEB)));
            sessions.add(withTargets);
            for (Stage stage : Stage.values()) {
                sessions.add(base.withStage(stage));
            }
            sessions.add(base.withTargets(List.of()));
            sessions.add(base.withWaitingFor("another session of BackupConfiguration demo/pg-backup is running"));
            sessions.add(base.withWaitingFor(null));
            sessions.add(base.withReport("Succeeded", T0.plusSeconds(60)));
            sessions.add(base.withReport(null, null));
            sessions.add(base.withRetryDue(T0.plusSeconds(300)));
            sessions.add(base.withRetryDue(null));
            sessions.add(base.asRetried());
            sessions.add(withTargets.withPlanned(List.of(3)));
            sessions.add(withTargets.withPlanned(List.of(0, 3)).withTargetPhases(Map.of(PG, "Succeeded", WEB, "Running")));
            sessions.add(withTargets.withTargetPhases(Map.of()));
        }
        sessions.add(typicalPlanned());
        for (TrackedSession s : sessions) {
            assertEquals(s, roundTrip(s));
        }
    }

    @Property(tries = 1000)
    void arbitrarySessionsRoundTrip(@ForAll("sessions") TrackedSession s) {
        byte[] bytes = serde.serialize(TOPIC, s);
        assertEquals(TrackedSessionSerde.FORMAT_1, bytes[0]);
        assertEquals(s, serde.deserialize(TOPIC, bytes));
    }

    @Test
    void largeSessionsRoundTripAndTheWriteBufferRecovers() {
        Map<String, String> labels = new HashMap<>();
        List<TargetSlot> targets = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            labels.put("label-" + i + "-€", "value-😀-" + i);
            targets.add(new TargetSlot(i, new TargetKey("Deployment", "ns-" + i, "x".repeat(100) + i), i % 2 == 0,
                    i % 3 == 0 ? null : "Running"));
        }
        TrackedSession big = TrackedSession.requested("big", SessionType.BACKUP, "BackupConfiguration", "big", T0, 1,
                null, labels).withTargets(targets);
        byte[] bytes = serde.serialize(TOPIC, big);
        assertTrue(bytes.length > 64 * 1024, "big enough to exceed the retained buffer: " + bytes.length);
        assertEquals(big, serde.deserialize(TOPIC, bytes));
        // the same thread keeps writing correctly after the oversized buffer is dropped
        assertEquals(typicalPlanned(), roundTrip(typicalPlanned()));
    }

    @Test
    void serdesSharedBetweenThreadsDoNotMixRecords() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        TrackedSession s = typicalPlanned().withWaitingFor("thread " + thread + " write " + i
                                + "é".repeat(i % 50));
                        assertEquals(s, roundTrip(s));
                    }
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void stringsAreWrittenAsTheJdkWritesUtf8IncludingUnpairedSurrogates() {
        for (String name : List.of("", "a", "é", "€", "😀", "𝄞x", "\u0000", "a\uD800b", "\uDC00", "x\uD83D",
                "\uD83D\uDE00\uD83D", "ǅ€😀é".repeat(40))) {
            TrackedSession s = TrackedSession.observed(name, SessionType.BACKUP, name, null, List.of());
            String expected = new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            TrackedSession read = roundTrip(s);
            assertEquals(expected, read.name(), name);
            assertEquals(expected, read.invokerKind(), name);
        }
    }

    // -- the format ------------------------------------------------------------------------------------------

    /** Pins format 1: if this fails, stored records of earlier planners no longer read the same. */
    @Test
    void theBytesOfFormat1AreFixed() {
        TrackedSession minimal = TrackedSession.observed("a", SessionType.BACKUP, null, null, List.of());
        assertArrayEquals(bytes(0x01, 0x02, 'a', 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00), serde.serialize(TOPIC, minimal));

        TrackedSession full = new TrackedSession("s", SessionType.RESTORE, "K", "n", 300L, -1, "r", Map.of("k", "v"),
                Stage.PLANNED, List.of(new TargetSlot(2, new TargetKey("A", "ns", "p"), true, "Run")), "w", "P", 0L,
                true, -65L);
        assertArrayEquals(bytes(
                0x01,                        // marker
                0x02, 's',                   // name
                0x02,                        // type RESTORE
                0x02, 'K',                   // invokerKind
                0x02, 'n',                   // invokerName
                0x01, 0xD8, 0x04,            // requestedAtMillis 300: zigzag 600
                0x01,                        // retryLeft -1: zigzag 1
                0x02, 'r',                   // retryOf
                0x01, 0x02, 'k', 0x02, 'v',  // labels
                0x02,                        // stage PLANNED
                0x01,                        // one target
                0x04, 0x02, 'A', 0x03, 'n', 's', 0x02, 'p', 0x01, 0x04, 'R', 'u', 'n',
                0x02, 'w',                   // waitingFor
                0x02, 'P',                   // reporterPhase
                0x01, 0x00,                  // reportedAtMillis 0
                0x01,                        // retried
                0x01, 0x81, 0x01),           // retryDueMillis -65: zigzag 129
                serde.serialize(TOPIC, full));
        assertEquals(full, serde.deserialize(TOPIC, serde.serialize(TOPIC, full)));
    }

    @Test
    void enumCodesAreDistinctNonZeroAndReadBack() {
        Set<Byte> typeCodes = new HashSet<>();
        for (SessionType type : SessionType.values()) {
            byte code = TrackedSessionSerde.typeCode(type);
            assertTrue(code != 0 && typeCodes.add(code), type.name());
            assertEquals(type, TrackedSessionSerde.typeOf(code));
        }
        Set<Byte> stageCodes = new HashSet<>();
        for (Stage stage : Stage.values()) {
            byte code = TrackedSessionSerde.stageCode(stage);
            assertTrue(code != 0 && stageCodes.add(code), stage.name());
            assertEquals(stage, TrackedSessionSerde.stageOf(code));
        }
        assertNull(TrackedSessionSerde.typeOf(0));
        assertNull(TrackedSessionSerde.stageOf(0));
    }

    @Test
    void theBinaryFormIsSmallerThanJson() {
        TrackedSession s = typicalPlanned();
        int binary = serde.serialize(TOPIC, s).length;
        int jsonLength = json.serialize(TOPIC, s).length;
        assertTrue(binary < jsonLength, "binary " + binary + " bytes, JSON " + jsonLength + " bytes");
    }

    // -- compatibility ---------------------------------------------------------------------------------------

    @Test
    void jsonWrittenByOlderPlannersStillReads() {
        TrackedSession s = typicalPlanned().withWaitingFor("é€😀").withRetryDue(T0);
        byte[] legacy = new JsonSerde<>(TrackedSession.class).serialize(TOPIC, s);
        assertEquals('{', legacy[0]);
        assertEquals(s, serde.deserialize(TOPIC, legacy));

        byte[] padded = new byte[legacy.length + 4];
        padded[0] = ' ';
        padded[1] = '\n';
        padded[2] = '\t';
        padded[3] = '\r';
        System.arraycopy(legacy, 0, padded, 4, legacy.length);
        assertEquals(s, serde.deserialize(TOPIC, padded));
    }

    @Property(tries = 300)
    void arbitraryLegacyJsonReads(@ForAll("sessions") TrackedSession s) {
        assertEquals(s, serde.deserialize(TOPIC, json.serialize(TOPIC, s)));
    }

    @Property(tries = 300)
    void fieldsAppendedByALaterVersionAreIgnored(@ForAll("sessions") TrackedSession s,
                                                 @ForAll("trailing") byte[] appended) {
        byte[] bytes = serde.serialize(TOPIC, s);
        byte[] longer = new byte[bytes.length + appended.length];
        System.arraycopy(bytes, 0, longer, 0, bytes.length);
        System.arraycopy(appended, 0, longer, bytes.length, appended.length);
        assertEquals(s, serde.deserialize(TOPIC, longer));
    }

    @Test
    void aTypicalLaterVersionRecordReads() {
        TrackedSession s = typicalPlanned();
        byte[] bytes = serde.serialize(TOPIC, s);
        // say a later planner appends a nullable string and a varint
        byte[] later = new byte[bytes.length + 5];
        System.arraycopy(bytes, 0, later, 0, bytes.length);
        later[bytes.length] = 0x04;
        later[bytes.length + 1] = 'n';
        later[bytes.length + 2] = 'e';
        later[bytes.length + 3] = 'w';
        later[bytes.length + 4] = 0x2A;
        assertEquals(s, serde.deserialize(TOPIC, later));
    }

    @Test
    void anUnknownFirstByteIsRefusedAsANewerPlannersRecord() {
        for (int first : new int[] {0x00, 0x02, 0x7F, 0xFF}) {
            byte[] bytes = serde.serialize(TOPIC, typicalPlanned());
            bytes[0] = (byte) first;
            SerializationException e = assertThrows(SerializationException.class,
                    () -> serde.deserialize(TOPIC, bytes));
            String hex = String.format("0x%02X", first);
            assertTrue(e.getMessage().contains(hex), e.getMessage());
            assertTrue(e.getMessage().contains("newer planner"), e.getMessage());
        }
        SerializationException blank = assertThrows(SerializationException.class,
                () -> serde.deserialize(TOPIC, bytes(' ', '\n', '[', ']')));
        assertTrue(blank.getMessage().contains("0x20"), blank.getMessage());
    }

    // -- tombstones and errors -------------------------------------------------------------------------------

    @Test
    void nullIsATombstoneBothWays() {
        assertNull(serde.serialize(TOPIC, null));
        assertNull(serde.deserialize(TOPIC, null));
    }

    @Test
    void itIsItsOwnSerializerAndDeserializer() {
        assertSame(serde, serde.serializer());
        assertSame(serde, serde.deserializer());
        serde.configure(Map.of(), false);
        serde.close();
        assertEquals(typicalPlanned(), roundTrip(typicalPlanned()));
    }

    @Test
    void everyTruncationOfATypicalRecordFailsWithAMessage() {
        byte[] bytes = serde.serialize(TOPIC, typicalPlanned());
        for (int len = 0; len < bytes.length; len++) {
            byte[] prefix = java.util.Arrays.copyOf(bytes, len);
            SerializationException e = assertThrows(SerializationException.class,
                    () -> serde.deserialize(TOPIC, prefix), "prefix of " + len + " bytes");
            assertTrue(e.getMessage().contains(len + " bytes") || e.getMessage().contains(len + "-byte record"),
                    e.getMessage());
            if (len > 0) {
                assertTrue(e.getMessage().contains("byte offset"), e.getMessage());
                assertTrue(e.getMessage().contains("cannot read field "), e.getMessage());
            }
        }
    }

    @Property(tries = 200)
    void everyTruncationOfAnyRecordFailsWithASerializationException(@ForAll("sessions") TrackedSession s) {
        byte[] bytes = serde.serialize(TOPIC, s);
        for (int len = 0; len < bytes.length; len++) {
            byte[] prefix = java.util.Arrays.copyOf(bytes, len);
            assertThrows(SerializationException.class, () -> serde.deserialize(TOPIC, prefix),
                    "prefix of " + len + " bytes");
        }
    }

    @Property(tries = 3000)
    void corruptBytesFailOnlyWithASerializationException(@ForAll("sessions") TrackedSession s,
                                                         @ForAll("positions") double where,
                                                         @ForAll byte value) {
        byte[] bytes = serde.serialize(TOPIC, s);
        bytes[(int) (where * bytes.length)] = value;
        try {
            assertNotNull(serde.deserialize(TOPIC, bytes));
        } catch (SerializationException expected) {
            assertNotNull(expected.getMessage());
        }
    }

    @Test
    void corruptionIsReportedByFieldAndOffset() {
        TrackedSession minimal = TrackedSession.observed("a", SessionType.BACKUP, null, null, List.of());
        byte[] badStage = serde.serialize(TOPIC, minimal);
        badStage[10] = 9;
        assertMessage("cannot read field stage of a TrackedSession (topic " + TOPIC
                + ") at byte offset 10 of a 17-byte record: unknown stage code 9", badStage);

        byte[] badType = serde.serialize(TOPIC, minimal);
        badType[3] = 0;
        assertMessage("field type", badType);

        // a label count of 2^32-1 must not allocate anything
        assertMessage("field labels", bytes(0x01, 0x02, 'a', 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
                0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x05, 0x00));

        // a varint that never ends
        assertMessage("field requestedAtMillis", bytes(0x01, 0x02, 'a', 0x01, 0x00, 0x00, 0x01,
                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01));

        // invalid UTF-8 in the second target's namespace
        TrackedSession two = minimal.withTargets(List.of(TargetSlot.waiting(0, PG),
                TargetSlot.waiting(1, new TargetKey("A", "\u00e9", "p"))));
        byte[] badUtf8 = serde.serialize(TOPIC, two);
        int at = indexOf(badUtf8, (byte) 0xC3);
        badUtf8[at] = (byte) 0xFF;
        assertMessage("field targets[1].ref.namespace", badUtf8);

        // a null where a name is required
        byte[] nullName = bytes(0x01, 0x00, 0x01);
        assertMessage("field name", nullName);

        // booleans are 0 or 1
        byte[] badRetried = serde.serialize(TOPIC, minimal);
        badRetried[15] = 2;
        assertMessage("field retried", badRetried);

        // duplicate label keys
        assertMessage("field labels", bytes(0x01, 0x02, 'a', 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x02, 0x02, 'k', 0x01, 0x02, 'k', 0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00));

        assertMessage("empty", new byte[0]);
    }

    private void assertMessage(String expected, byte[] bytes) {
        SerializationException e = assertThrows(SerializationException.class, () -> serde.deserialize(TOPIC, bytes));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new AssertionError("no byte " + b);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    // -- generators ------------------------------------------------------------------------------------------

    /** Empty, ASCII, 2-, 3- and 4-byte UTF-8, NUL and bytes that look like format markers. */
    private static final List<String> TOKENS = List.of(
            "", "a", "Z", "-", "/", " ", "{", "\u0001", "\u0000", "\u007F", "é", "ǅ", "\u07FF", "€", "\u0800",
            "\uFFFF", "\uFFFD", "😀", "𝄞", "\uDBFF\uDFFF");

    @Provide
    Arbitrary<String> strings() {
        Arbitrary<String> tokens = Arbitraries.of(TOKENS).list().ofMaxSize(60).map(parts -> String.join("", parts));
        // any char but surrogates, whose valid pairs come from the tokens
        Arbitrary<String> any = Arbitraries.strings().withCharRange('\u0000', '\uD7FF')
                .withCharRange('\uE000', '\uFFFF').ofMaxLength(40);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, tokens),
                net.jqwik.api.Tuple.of(1, any),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("pg-backup", "BackupConfiguration", "Running", "demo")));
    }

    private Arbitrary<String> nullableStrings() {
        return strings().injectNull(0.3);
    }

    private Arbitrary<Long> nullableLongs() {
        return Arbitraries.oneOf(Arbitraries.longs(),
                        Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L, 1_772_359_200_000L))
                .injectNull(0.3);
    }

    private Arbitrary<Integer> ints() {
        return Arbitraries.oneOf(Arbitraries.integers(),
                Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 63, 64, -64, -65));
    }

    private Arbitrary<TargetSlot> targets() {
        return Combinators.combine(ints(), strings(), strings(), strings(), Arbitraries.of(true, false),
                        nullableStrings())
                .as((index, kind, namespace, name, planned, phase) ->
                        new TargetSlot(index, new TargetKey(kind, namespace, name), planned, phase));
    }

    /** The first half of a session's fields; Combinators take at most eight. */
    private record Head(String name, SessionType type, String invokerKind, String invokerName, Long requestedAtMillis,
                        int retryLeft, String retryOf, Map<String, String> labels) {
    }

    @Provide
    Arbitrary<TrackedSession> sessions() {
        Arbitrary<Head> heads = Combinators.combine(strings(), Arbitraries.of(SessionType.class), nullableStrings(),
                        nullableStrings(), nullableLongs(), ints(), nullableStrings(),
                        Arbitraries.maps(strings(), strings()).ofMaxSize(25))
                .as(Head::new);
        return Combinators.combine(heads, Arbitraries.of(Stage.class), targets().list().ofMaxSize(40),
                        nullableStrings(), nullableStrings(), nullableLongs(), Arbitraries.of(true, false),
                        nullableLongs())
                .as((h, stage, targets, waitingFor, reporterPhase, reportedAt, retried, retryDue) ->
                        new TrackedSession(h.name(), h.type(), h.invokerKind(), h.invokerName(),
                                h.requestedAtMillis(), h.retryLeft(), h.retryOf(), h.labels(), stage, targets,
                                waitingFor, reporterPhase, reportedAt, retried, retryDue));
    }

    @Provide
    Arbitrary<byte[]> trailing() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(64);
    }

    @Provide
    Arbitrary<Double> positions() {
        return Arbitraries.doubles().between(0.0, 1.0).filter(d -> d < 1.0);
    }
}
