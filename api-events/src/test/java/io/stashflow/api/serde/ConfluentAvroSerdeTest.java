package io.stashflow.api.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.registry.SchemaRegistry;
import io.stashflow.api.registry.SchemaRegistryState;
import io.stashflow.api.registry.http.ConfluentRestSchemaRegistry;
import io.stashflow.api.registry.http.SchemaRegistryHttpServer;
import io.stashflow.events.Definition;
import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionRequested;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfluentAvroSerdeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedSchemaRegistry embedded;
    private static SchemaRegistryHttpServer server;
    private static ConfluentRestSchemaRegistry rest;

    @BeforeAll
    static void registries() {
        embedded = EmbeddedSchemaRegistry.inMemory();
        server = SchemaRegistryHttpServer.start(EmbeddedSchemaRegistry.inMemory(), "127.0.0.1", 0);
        rest = ConfluentRestSchemaRegistry.of(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Stream<Arguments> eventTypesAndRegistries() {
        return EventTypes.all().stream().flatMap(type -> Stream.of(
                Arguments.of(type.getSimpleName(), type, "embedded"),
                Arguments.of(type.getSimpleName(), type, "rest")));
    }

    private static SchemaRegistry registry(String name) {
        return name.equals("embedded") ? embedded : rest;
    }

    @Test
    void everyEventOfTheDesignIsDiscovered() {
        List<String> discovered = EventTypes.all().stream().map(Class::getSimpleName).toList();
        assertTrue(discovered.containsAll(List.of("SessionRequested", "Definition", "JobPlanned", "PlanRejected",
                "StepOutcome", "SessionStatus", "RepositoryStatus", "Rejected")), discovered.toString());
    }

    @ParameterizedTest(name = "{0} through the {2} registry")
    @MethodSource("eventTypesAndRegistries")
    <T extends SpecificRecord> void everyEventTypeRoundTrips(String name, Class<T> type, String registryName) {
        SchemaRegistry registry = registry(registryName);
        ConfluentAvroSerde<T> serde = ConfluentAvroSerde.forValues(registry, type);
        ConfluentAvroSerde<T> otherProcess = ConfluentAvroSerde.forValues(registry, type);
        String topic = uniqueTopic("round-trip-" + name);
        for (long seed = 0; seed < 20; seed++) {
            T record = SampleRecords.specific(type, seed);

            byte[] bytes = serde.serialize(topic, record);

            assertEquals(0, bytes[0], "magic byte");
            int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
            assertEquals(registry.lookup(topic + "-value", record.getSchema()).orElseThrow().id(), id,
                    "the frame carries the id registered under " + topic + "-value");
            RecordEquality.assertRecordEquals(record, serde.deserialize(topic, bytes), name + " seed " + seed);
            RecordEquality.assertRecordEquals(record, otherProcess.deserialize(topic, bytes),
                    name + " seed " + seed + ", fresh deserializer");
        }
        assertEquals(List.of(1), registry.versions(topic + "-value"));
    }

    /**
     * Records are encoded with Avro's generated custom coders into a buffer each thread reuses: every frame must still
     * be exactly the header and the plain Avro encoding of its record (Avro's reflective writer, custom coders off),
     * whatever was written before it (other types and sizes, a record larger than the buffer is kept at, and a write
     * that failed half-way).
     */
    @Test
    void everyFrameIsTheHeaderAndThePlainEncodingWhateverCameBefore() throws IOException {
        String topic = uniqueTopic("frames");
        List<SpecificRecord> records = new ArrayList<>();
        for (long seed = 0; seed < 40; seed++) {
            for (Class<? extends SpecificRecord> type : EventTypes.all()) {
                records.add(SampleRecords.specific(type, seed));
            }
        }
        Definition huge = SampleRecords.specific(Definition.class, 1);
        huge.setDocument("x".repeat(3 << 20));
        records.add(20, huge);
        SessionRequested broken = SampleRecords.specific(SessionRequested.class, 2);
        broken.setRequestedBy(null); // a required field after several others: the write fails half-way
        for (int i = 0; i < records.size(); i++) {
            SpecificRecord record = records.get(i);
            if (i % 7 == 3) {
                ConfluentAvroSerde<SessionRequested> failing = ConfluentAvroSerde.forValues(embedded,
                        SessionRequested.class);
                assertThrows(SerializationException.class, () -> failing.serialize(topic + "-broken", broken));
            }
            @SuppressWarnings({"unchecked", "rawtypes"})
            ConfluentAvroSerde<SpecificRecord> serde = ConfluentAvroSerde.forValues(embedded,
                    (Class) record.getClass());
            String recordTopic = topic + "-" + record.getSchema().getName();
            byte[] frame = serde.serialize(recordTopic, record);
            int id = embedded.lookup(recordTopic + "-value", record.getSchema()).orElseThrow().id();
            assertArrayEquals(plainFrame(id, record), frame, "record " + i + ", a " + record.getSchema().getName());
        }
    }

    private static byte[] plainFrame(int id, SpecificRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] header = new byte[ConfluentWireFormat.HEADER_SIZE];
        ConfluentWireFormat.writeHeader(header, id);
        out.write(header);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @Test
    void nullIsATombstoneBothWays() {
        ConfluentAvroSerde<Definition> serde = ConfluentAvroSerde.forValues(embedded, Definition.class);
        assertNull(serde.serialize("definitions", null));
        assertNull(serde.deserialize("definitions", null));
    }

    @Test
    void keysUseTheKeySubject() {
        String topic = uniqueTopic("keys");
        ConfluentAvroSerde<SessionKey> serde = ConfluentAvroSerde.forKeys(embedded, SessionKey.class);
        SessionKey key = SampleRecords.specific(SessionKey.class, 1);
        assertEquals(key, serde.deserialize(topic, serde.serialize(topic, key)));
        assertTrue(embedded.subjects().contains(topic + "-key"));
        assertFalse(embedded.subjects().contains(topic + "-value"));
    }

    @Test
    void theSerdeIsItsOwnSerializerAndDeserializer() {
        ConfluentAvroSerde<Definition> serde = ConfluentAvroSerde.forValues(embedded, Definition.class);
        assertSame(serde, serde.serializer());
        assertSame(serde, serde.deserializer());
    }

    @Test
    void withoutAutoRegistrationAnUnregisteredSchemaFailsClearly() {
        String topic = uniqueTopic("no-auto");
        ConfluentAvroSerde<Definition> serde = ConfluentAvroSerde.forValues(embedded, Definition.class)
                .autoRegisterSchemas(false);
        Definition definition = SampleRecords.specific(Definition.class, 3);

        SerializationException e = assertThrows(SerializationException.class, () -> serde.serialize(topic, definition));
        assertTrue(e.getMessage().contains("not registered under subject " + topic + "-value"), e.getMessage());
        assertTrue(e.getMessage().contains("auto.register.schemas"), e.getMessage());
        assertFalse(embedded.subjects().contains(topic + "-value"), "nothing was registered");

        int id = embedded.register(topic + "-value", Definition.getClassSchema());
        byte[] bytes = serde.serialize(topic, definition);
        assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt());
    }

    @Test
    void anIncompatibleSchemaFailsTheWriteWithTheRegistrysReason() {
        String topic = uniqueTopic("incompatible");
        // an earlier version without 'document': Definition, which requires it, cannot read that version's records
        embedded.register(topic + "-value", withoutField(Definition.getClassSchema(), "document"));
        ConfluentAvroSerde<Definition> serde = ConfluentAvroSerde.forValues(embedded, Definition.class);

        SerializationException e = assertThrows(SerializationException.class,
                () -> serde.serialize(topic, SampleRecords.specific(Definition.class, 4)));

        assertTrue(e.getMessage().contains("subject " + topic + "-value"), e.getMessage());
        assertTrue(e.getMessage().contains("incompatible"), e.getMessage());
        assertTrue(e.getMessage().contains("'document'"), e.getMessage());
    }

    @Test
    void anOlderWriterSchemaIsReadWithTheReadersDefaults() throws IOException {
        String topic = uniqueTopic("evolution");
        Schema current = Definition.getClassSchema();
        Schema older = withoutField(current, "source");
        Definition sample = SampleRecords.specific(Definition.class, 5);
        GenericRecord old = new GenericData.Record(older);
        for (Schema.Field field : older.getFields()) {
            Object value = sample.get(current.getField(field.name()).pos());
            old.put(field.name(), value instanceof java.time.Instant instant ? instant.toEpochMilli() : value);
        }
        int id = embedded.register(topic + "-value", older);

        Definition decoded = ConfluentAvroSerde.forValues(embedded, Definition.class)
                .deserialize(topic, frame(id, older, old));

        assertNull(decoded.getSource(), "the field missing from the writer takes the reader's default");
        assertEquals(sample.getDocument(), decoded.getDocument());
        assertEquals(sample.getObservedAt(), decoded.getObservedAt());
        assertEquals(sample.getName(), decoded.getName());
    }

    @Test
    void aNewerWriterWithAnExtraFieldIsReadByAnOlderReader() throws IOException {
        String topic = uniqueTopic("newer-writer");
        Schema newer = withField(Definition.getClassSchema(), "{\"name\":\"labels\",\"type\":{\"type\":\"map\","
                + "\"values\":\"string\"},\"default\":{}}");
        Definition sample = SampleRecords.specific(Definition.class, 6);
        GenericRecord record = new GenericData.Record(newer);
        for (Schema.Field field : Definition.getClassSchema().getFields()) {
            Object value = sample.get(field.pos());
            record.put(field.name(), value instanceof java.time.Instant instant ? instant.toEpochMilli() : value);
        }
        record.put("labels", Map.of("team", "storage"));
        int id = embedded.register(topic + "-value", newer);

        assertEquals(sample, ConfluentAvroSerde.forValues(embedded, Definition.class)
                .deserialize(topic, frame(id, newer, record)));
    }

    @Test
    void anUnknownMagicByteIsUndecodable() {
        UndecodableRecordException e = assertThrows(UndecodableRecordException.class,
                () -> ConfluentAvroSerde.forValues(embedded, Definition.class).deserialize("t", new byte[] {1, 0, 0, 0, 1, 2}));
        assertEquals(UndecodableRecordException.Reason.UNKNOWN_MAGIC_BYTE, e.reason());
        assertTrue(e.getMessage().contains("unknown magic byte 0x01"), e.getMessage());
    }

    @Test
    void aTruncatedHeaderIsUndecodable() {
        UndecodableRecordException e = assertThrows(UndecodableRecordException.class,
                () -> ConfluentAvroSerde.forValues(embedded, Definition.class).deserialize("t", new byte[] {0, 0}));
        assertEquals(UndecodableRecordException.Reason.TRUNCATED_HEADER, e.reason());
        assertTrue(e.getMessage().contains("truncated payload"), e.getMessage());
    }

    @Test
    void anUnknownSchemaIdIsUndecodableAndNamed() {
        for (SchemaRegistry registry : List.of(embedded, rest)) {
            UndecodableRecordException e = assertThrows(UndecodableRecordException.class,
                    () -> ConfluentAvroSerde.forValues(registry, Definition.class)
                            .deserialize("t", new byte[] {0, 0, 0, 0x30, 0x39, 2}));
            assertEquals(UndecodableRecordException.Reason.UNKNOWN_SCHEMA_ID, e.reason());
            assertTrue(e.getMessage().startsWith("unknown schema id 12345"), e.getMessage());
            assertEquals(12345, e.schemaId().orElseThrow());
        }
    }

    @Test
    void aTruncatedBodyIsAnAvroError() {
        String topic = uniqueTopic("truncated");
        ConfluentAvroSerde<Definition> serde = ConfluentAvroSerde.forValues(embedded, Definition.class);
        byte[] bytes = serde.serialize(topic, SampleRecords.specific(Definition.class, 7));
        byte[] cut = Arrays.copyOf(bytes, 7);

        UndecodableRecordException e = assertThrows(UndecodableRecordException.class, () -> serde.deserialize(topic, cut));
        assertEquals(UndecodableRecordException.Reason.AVRO_ERROR, e.reason());
        assertTrue(e.getMessage().startsWith("Avro error decoding 2 byte(s) written with schema id "), e.getMessage());
    }

    @Test
    void trailingBytesAreAnAvroError() {
        String topic = uniqueTopic("trailing");
        ConfluentAvroSerde<Definition> serde = ConfluentAvroSerde.forValues(embedded, Definition.class);
        byte[] bytes = serde.serialize(topic, SampleRecords.specific(Definition.class, 8));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);

        UndecodableRecordException e = assertThrows(UndecodableRecordException.class,
                () -> serde.deserialize(topic, longer));
        assertEquals(UndecodableRecordException.Reason.AVRO_ERROR, e.reason());
        assertTrue(e.getMessage().contains("bytes remain after the record"), e.getMessage());
    }

    @Test
    void aWriterSchemaTheReaderCannotResolveIsNamedWithTheField() throws IOException {
        String topic = uniqueTopic("unreadable");
        Schema withoutDocument = withoutField(Definition.getClassSchema(), "document");
        int id = embedded.register(topic + "-value", withoutDocument);
        GenericRecord record = new GenericData.Record(withoutDocument);
        Definition sample = SampleRecords.specific(Definition.class, 9);
        for (Schema.Field field : withoutDocument.getFields()) {
            Object value = sample.get(Definition.getClassSchema().getField(field.name()).pos());
            record.put(field.name(), value instanceof java.time.Instant instant ? instant.toEpochMilli() : value);
        }
        byte[] bytes = frame(id, withoutDocument, record);
        ConfluentAvroSerde<Definition> serde = ConfluentAvroSerde.forValues(embedded, Definition.class);

        UndecodableRecordException e = assertThrows(UndecodableRecordException.class, () -> serde.deserialize(topic, bytes));
        assertEquals(UndecodableRecordException.Reason.INCOMPATIBLE_WRITER_SCHEMA, e.reason());
        assertTrue(e.getMessage().contains("'document'"), e.getMessage());
        assertEquals(id, e.schemaId().orElseThrow());
    }

    @Test
    void anUnreachableRegistryIsNotBlamedOnTheRecord() throws IOException {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        ConfluentAvroSerde<Definition> serde = ConfluentAvroSerde.forValues(
                ConfluentRestSchemaRegistry.of("http://127.0.0.1:" + freePort), Definition.class);
        SerializationException e = assertThrows(SerializationException.class,
                () -> serde.deserialize("t", new byte[] {0, 0, 0, 0, 1, 2}));
        assertFalse(e instanceof UndecodableRecordException, "an outage must not send good records to stash.rejected");
        assertTrue(e.getMessage().contains("Cannot reach the schema registry"), e.getMessage());
    }

    @Test
    void configureFromPlainKafkaSettings() {
        String topic = uniqueTopic("configured");
        ConfluentAvroSerde<Definition> writer = new ConfluentAvroSerde<>();
        writer.configure(Map.of(ConfluentAvroSerde.SCHEMA_REGISTRY_URL, server.baseUrl(),
                ConfluentAvroSerde.SPECIFIC_VALUE_TYPE, Definition.class.getName()), false);
        ConfluentAvroSerde<SpecificRecord> untypedReader = new ConfluentAvroSerde<>();
        untypedReader.configure(Map.of(ConfluentAvroSerde.SCHEMA_REGISTRY_URL, server.baseUrl()), false);
        Definition definition = SampleRecords.specific(Definition.class, 10);

        byte[] bytes = writer.serialize(topic, definition);

        assertEquals(definition, writer.deserialize(topic, bytes));
        assertEquals(definition, untypedReader.deserialize(topic, bytes), "the class comes from the writer schema's name");
        assertEquals(List.of(1), rest.versions(topic + "-value"));
    }

    @Test
    void configureTurnsAutoRegistrationOffAndPicksTheKeySubject() {
        String topic = uniqueTopic("configured-keys");
        ConfluentAvroSerde<SessionKey> serde = new ConfluentAvroSerde<>();
        serde.configure(Map.of(ConfluentAvroSerde.SCHEMA_REGISTRY_URL, server.baseUrl(),
                ConfluentAvroSerde.AUTO_REGISTER_SCHEMAS, "false"), true);
        SerializationException e = assertThrows(SerializationException.class,
                () -> serde.serialize(topic, SampleRecords.specific(SessionKey.class, 11)));
        assertTrue(e.getMessage().contains(topic + "-key"), e.getMessage());
    }

    @Test
    void configureRefusesIncompleteSettingsAndNeverEchoesPasswords() {
        ConfigException missingUrl = assertThrows(ConfigException.class,
                () -> new ConfluentAvroSerde<Definition>().configure(Map.of(), false));
        assertTrue(missingUrl.getMessage().contains("schema.registry.url"), missingUrl.getMessage());

        ConfigException several = assertThrows(ConfigException.class, () -> new ConfluentAvroSerde<Definition>()
                .configure(Map.of("schema.registry.url", "http://a:8081,http://b:8081"), false));
        assertTrue(several.getMessage().contains("single URL"), several.getMessage());

        Map<String, Object> noUserInfo = new HashMap<>();
        noUserInfo.put("schema.registry.url", server.baseUrl());
        noUserInfo.put("basic.auth.credentials.source", "USER_INFO");
        ConfigException userInfo = assertThrows(ConfigException.class,
                () -> new ConfluentAvroSerde<Definition>().configure(noUserInfo, false));
        assertTrue(userInfo.getMessage().contains("basic.auth.user.info"), userInfo.getMessage());

        ConfigException notSpecific = assertThrows(ConfigException.class, () -> new ConfluentAvroSerde<Definition>()
                .configure(Map.of("schema.registry.url", server.baseUrl(), "specific.avro.value.type", "java.lang.String"),
                        false));
        assertTrue(notSpecific.getMessage().contains("not a generated Avro SpecificRecord"), notSpecific.getMessage());

        ConfigException trustStore = assertThrows(ConfigException.class, () -> new ConfluentAvroSerde<Definition>()
                .configure(Map.of("schema.registry.url", "https://localhost:8081",
                        "schema.registry.ssl.truststore.location", "/nonexistent/trust.p12",
                        "schema.registry.ssl.truststore.password", "hunter2-secret"), false));
        assertTrue(trustStore.getMessage().contains("/nonexistent/trust.p12"), trustStore.getMessage());
        assertFalse(trustStore.getMessage().contains("hunter2-secret"), trustStore.getMessage());
    }

    private static byte[] frame(int id, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static Schema withoutField(Schema schema, String field) {
        ObjectNode json = (ObjectNode) readTree(schema.toString());
        ArrayNode fields = (ArrayNode) json.get("fields");
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).get("name").asText().equals(field)) {
                fields.remove(i);
                return SchemaRegistryState.parse(json.toString());
            }
        }
        throw new IllegalArgumentException(schema.getFullName() + " has no field " + field);
    }

    private static Schema withField(Schema schema, String fieldJson) {
        ObjectNode json = (ObjectNode) readTree(schema.toString());
        ((ArrayNode) json.get("fields")).add(readTree(fieldJson));
        return SchemaRegistryState.parse(json.toString());
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
