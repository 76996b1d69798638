package io.stashflow.api.serde;

import io.stashflow.api.registry.BackwardCompatibility;
import io.stashflow.api.registry.RegistryErrorCode;
import io.stashflow.api.registry.SchemaRegistry;
import io.stashflow.api.registry.SchemaRegistryException;
import io.stashflow.api.registry.http.ConfluentRestSchemaRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializer, deserializer and serde for Avro {@link SpecificRecord}s in Confluent's wire format
 * ({@link ConfluentWireFormat}), interoperable with Confluent's serdes and every client that follows them.
 *
 * <ul>
 *   <li>Subjects follow TopicNameStrategy: {@code <topic>-key} or {@code <topic>-value}.</li>
 *   <li>Writing registers the record's schema under the subject (auto-registration, the default) or, with
 *       auto-registration off, looks it up and fails when the subject does not hold it.</li>
 *   <li>Reading fetches the writer schema by the id in the frame and resolves it against the reader schema of
 *       {@code T}, so records written with an older (or newer, compatible) schema still decode.</li>
 *   <li>{@code null} is written as {@code null} and read back as {@code null}: tombstones pass through.</li>
 *   <li>Bytes that cannot be decoded raise {@link UndecodableRecordException} saying why; registry outages raise a
 *       plain {@link SerializationException}.</li>
 * </ul>
 *
 * <p>Two ways to make one: with a {@link SchemaRegistry} instance ({@link #forValues}, {@link #forKeys}; nothing
 * static, so tests and the standalone JVM can hold several registries), or with the no-argument constructor and
 * {@link #configure} from plain Kafka client settings, Confluent's names:
 * {@value #SCHEMA_REGISTRY_URL} (required there), {@value #AUTO_REGISTER_SCHEMAS},
 * {@value #BASIC_AUTH_CREDENTIALS_SOURCE} ({@code USER_INFO} or {@code URL}), {@value #BASIC_AUTH_USER_INFO},
 * {@value #SSL_TRUSTSTORE_LOCATION}, {@value #SSL_TRUSTSTORE_PASSWORD}, {@value #SSL_TRUSTSTORE_TYPE},
 * {@value #SPECIFIC_KEY_TYPE} and {@value #SPECIFIC_VALUE_TYPE} (the generated class to read into; without it the
 * class is found from the writer schema's full name). A registry or type given to the constructor is kept by
 * {@code configure}, because Kafka Streams hands every serde the whole application config.
 */
public final class ConfluentAvroSerde<T extends SpecificRecord> implements Serializer<T>, Deserializer<T>, Serde<T> {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String SPECIFIC_KEY_TYPE = "specific.avro.key.type";
    public static final String SPECIFIC_VALUE_TYPE = "specific.avro.value.type";

    private volatile SchemaRegistry registry;
    private volatile Class<T> type;
    private volatile boolean isKey;
    private volatile boolean autoRegister = true;

    private final Map<SubjectSchema, Integer> idBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();
    private final Map<Integer, Decoding<T>> decodings = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {
    }

    /** How records written with one schema id are read: a reader, or the reason they cannot be. */
    private record Decoding<T>(DatumReader<T> reader, UndecodableRecordException refusal) {
    }

    /** For Kafka's reflective instantiation; {@link #configure} must follow. */
    public ConfluentAvroSerde() {
    }

    /**
     * @param registry where schemas are registered and fetched
     * @param type     the generated class records are read into (its schema is the reader schema)
     * @param isKey    whether this serde handles keys ({@code <topic>-key}) or values ({@code <topic>-value})
     */
    public ConfluentAvroSerde(SchemaRegistry registry, Class<T> type, boolean isKey) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.type = Objects.requireNonNull(type, "type");
        this.isKey = isKey;
    }

    /** A serde for record values of {@code type} (subjects {@code <topic>-value}). */
    public static <T extends SpecificRecord> ConfluentAvroSerde<T> forValues(SchemaRegistry registry, Class<T> type) {
        return new ConfluentAvroSerde<>(registry, type, false);
    }

    /** A serde for record keys of {@code type} (subjects {@code <topic>-key}). */
    public static <T extends SpecificRecord> ConfluentAvroSerde<T> forKeys(SchemaRegistry registry, Class<T> type) {
        return new ConfluentAvroSerde<>(registry, type, true);
    }

    /**
     * Turns auto-registration on (the default) or off. Off, a schema must already be registered under the subject
     * (by a deployment step or another producer), and writing fails when it is not.
     */
    public ConfluentAvroSerde<T> autoRegisterSchemas(boolean enabled) {
        this.autoRegister = enabled;
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        Object auto = configs.get(AUTO_REGISTER_SCHEMAS);
        if (auto != null) {
            this.autoRegister = Boolean.parseBoolean(auto.toString().trim());
        }
        if (type == null) {
            this.type = configuredType(configs.get(isKey ? SPECIFIC_KEY_TYPE : SPECIFIC_VALUE_TYPE),
                    isKey ? SPECIFIC_KEY_TYPE : SPECIFIC_VALUE_TYPE);
        }
        if (registry == null) {
            this.registry = restRegistry(configs);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> Class<T> configuredType(Object value, String name) {
        if (value == null || value.toString().isBlank()) {
            return null;
        }
        Class<?> configured;
        if (value instanceof Class<?> c) {
            configured = c;
        } else {
            try {
                ClassLoader loader = Thread.currentThread().getContextClassLoader();
                configured = Class.forName(value.toString().trim(), true,
                        loader != null ? loader : ConfluentAvroSerde.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new ConfigException(name + " names class " + value + ", which is not on the class path");
            }
        }
        if (!SpecificRecord.class.isAssignableFrom(configured)) {
            throw new ConfigException(name + " names " + configured.getName()
                    + ", which is not a generated Avro SpecificRecord class");
        }
        return (Class<T>) configured;
    }

    private static SchemaRegistry restRegistry(Map<String, ?> configs) {
        Object url = configs.get(SCHEMA_REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new ConfigException("ConfluentAvroSerde needs " + SCHEMA_REGISTRY_URL
                    + " (e.g. http://127.0.0.1:8081) or a SchemaRegistry passed to its constructor");
        }
        String urls = url instanceof List<?> list ? String.join(",", list.stream().map(Object::toString).toList())
                : url.toString();
        if (urls.contains(",")) {
            throw new ConfigException(SCHEMA_REGISTRY_URL + " lists several URLs; Stashflow's client uses one: give a"
                    + " single URL (a load balancer in front of the registry instances)");
        }
        ConfluentRestSchemaRegistry.Builder builder;
        try {
            builder = ConfluentRestSchemaRegistry.builder(urls.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL + ": " + e.getMessage());
        }
        String source = text(configs.get(BASIC_AUTH_CREDENTIALS_SOURCE));
        String userInfo = text(configs.get(BASIC_AUTH_USER_INFO));
        String effectiveSource = source != null ? source.toUpperCase(Locale.ROOT) : userInfo != null ? "USER_INFO" : "URL";
        switch (effectiveSource) {
            case "USER_INFO" -> {
                if (userInfo == null) {
                    throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO needs " + BASIC_AUTH_USER_INFO
                            + " (user:password)");
                }
                try {
                    builder.basicAuthUserInfo(userInfo);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(BASIC_AUTH_USER_INFO + ": " + e.getMessage());
                }
            }
            case "URL" -> {
                // credentials, if any, are in the URL; the builder moved them into the Authorization header
            }
            default -> throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE + "=" + source
                    + " is not supported; use USER_INFO or URL");
        }
        String trustStore = text(configs.get(SSL_TRUSTSTORE_LOCATION));
        if (trustStore != null) {
            try {
                builder.trustStore(Path.of(trustStore), text(configs.get(SSL_TRUSTSTORE_PASSWORD)),
                        text(configs.get(SSL_TRUSTSTORE_TYPE)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(SSL_TRUSTSTORE_LOCATION + ": " + e.getMessage());
            }
        }
        return builder.build();
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        String text = value instanceof Password password ? password.value() : value.toString();
        return text.isBlank() ? null : text;
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        Schema schema = record.getSchema();
        String subject = subject(topic);
        int id = schemaId(subject, schema);
        WriteBuffer buffer = WRITE_BUFFERS.get();
        try {
            // configuring the encoder first: whatever a failed write left in it goes before the reset
            buffer.encoder = EncoderFactory.get().binaryEncoder(buffer, buffer.encoder);
            buffer.reset();
            byte[] header = new byte[ConfluentWireFormat.HEADER_SIZE];
            ConfluentWireFormat.writeHeader(header, id);
            buffer.write(header, 0, header.length);
            writer(schema, record).write(record, buffer.encoder);
            buffer.encoder.flush();
            return buffer.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot encode a " + schema.getFullName() + " for topic " + topic
                    + " with schema id " + id + ": " + e, e);
        } finally {
            buffer.release();
        }
    }

    /**
     * Writes the Avro body of {@code record} (what follows the framing in {@link #serialize}) to {@code encoder},
     * with the same writer. For callers that need to see how a record is encoded, such as a template of the bytes.
     */
    public void writeBody(T record, org.apache.avro.io.Encoder encoder) throws IOException {
        writer(record.getSchema(), record).write(record, encoder);
    }

    /** One per thread: encoding reuses the array and the encoder instead of growing a fresh stream per record. */
    private static final ThreadLocal<WriteBuffer> WRITE_BUFFERS = ThreadLocal.withInitial(WriteBuffer::new);

    /** A growable byte array that one thread encodes into, record after record, with its (buffered) encoder. */
    private static final class WriteBuffer extends OutputStream {
        private static final int INITIAL = 4096;
        /** Arrays grown beyond this are dropped after the record, so a rare huge record does not stay pinned. */
        private static final int KEPT = 1 << 20;

        private byte[] bytes = new byte[INITIAL];
        private int size;
        BinaryEncoder encoder;

        void reset() {
            size = 0;
        }

        @Override
        public void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }

        void release() {
            if (bytes.length > KEPT) {
                bytes = new byte[INITIAL];
            }
        }
    }

    private int schemaId(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        SchemaRegistry registry = requireRegistry();
        int id;
        try {
            if (autoRegister) {
                id = registry.register(subject, schema);
            } else {
                id = registry.lookup(subject, schema).orElseThrow(() -> new SerializationException("Schema "
                        + schema.getFullName() + " is not registered under subject " + subject + " and "
                        + AUTO_REGISTER_SCHEMAS + " is off: register it first (POST /subjects/" + subject
                        + "/versions) or turn auto-registration on")).id();
            }
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot get a schema id for " + schema.getFullName() + " under subject "
                    + subject + ": " + e.getMessage(), e);
        }
        idBySubjectSchema.put(key, id);
        return id;
    }

    private DatumWriter<T> writer(Schema schema, T record) {
        return writers.computeIfAbsent(schema, s -> new SpecificDatumWriter<>(s, WRITE_MODEL));
    }

    /**
     * The data model records are written with: Avro's generated {@code customEncode} methods (straight-line code per
     * record type, several times faster than the reflective path; most of a {@code JobPlanned}'s bytes are nested
     * records that have one) and the one logical type our schemas use. Avro leaves custom coders off by default;
     * they write exactly the bytes of the reflective path (see the serde's tests), so only writing uses them, while
     * reading keeps the resolving path that old writer schemas need.
     */
    private static final SpecificData WRITE_MODEL = writeModel();

    private static SpecificData writeModel() {
        SpecificData model = new SpecificData(ConfluentAvroSerde.class.getClassLoader());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        model.setCustomCoders(true);
        return model;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id = ConfluentWireFormat.schemaId(data);
        Decoding<T> decoding = decodings.get(id);
        if (decoding == null) {
            decoding = decoding(id);
            decodings.put(id, decoding);
        }
        if (decoding.refusal() != null) {
            throw decoding.refusal();
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, ConfluentWireFormat.HEADER_SIZE,
                data.length - ConfluentWireFormat.HEADER_SIZE, null);
        T value;
        try {
            value = decoding.reader().read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new UndecodableRecordException(UndecodableRecordException.Reason.AVRO_ERROR, id, "Avro error"
                    + " decoding " + (data.length - ConfluentWireFormat.HEADER_SIZE) + " byte(s) written with schema id "
                    + id + " (topic " + topic + "): " + e, e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new UndecodableRecordException(UndecodableRecordException.Reason.AVRO_ERROR, id, "Avro error:"
                        + " bytes remain after the record written with schema id " + id + " (topic " + topic
                        + "); the payload is corrupt or was not written with that schema", null);
            }
        } catch (IOException e) {
            throw new UndecodableRecordException(UndecodableRecordException.Reason.AVRO_ERROR, id, "Avro error"
                    + " checking the end of the record written with schema id " + id + ": " + e, e);
        }
        return value;
    }

    /** The reader for a schema id, or why records with that id cannot be read as {@code T}. */
    private Decoding<T> decoding(int id) {
        Schema writerSchema;
        try {
            writerSchema = requireRegistry().byId(id);
        } catch (SchemaRegistryException e) {
            if (e.is(RegistryErrorCode.SCHEMA_NOT_FOUND)) {
                // not cached: another process may register the id a moment later
                throw new UndecodableRecordException(UndecodableRecordException.Reason.UNKNOWN_SCHEMA_ID, id,
                        "unknown schema id " + id + ": the schema registry has no schema with this id ("
                                + e.getMessage() + ")", e);
            }
            throw new SerializationException("Cannot fetch the writer schema with id " + id
                    + " from the schema registry: " + e.getMessage(), e);
        }
        Class<T> readerType = readerType(writerSchema, id);
        SpecificData model = SpecificData.getForClass(readerType);
        Schema readerSchema = model.getSchema(readerType);
        List<String> problems = BackwardCompatibility.problems(readerSchema, writerSchema);
        if (!problems.isEmpty()) {
            return new Decoding<>(null, new UndecodableRecordException(
                    UndecodableRecordException.Reason.INCOMPATIBLE_WRITER_SCHEMA, id, "writer schema id " + id + " ("
                    + writerSchema.getFullName() + ") cannot be read as " + readerSchema.getFullName() + ": "
                    + String.join("; ", problems), null));
        }
        return new Decoding<>(new SpecificDatumReader<>(writerSchema, readerSchema, model), null);
    }

    @SuppressWarnings("unchecked")
    private Class<T> readerType(Schema writerSchema, int id) {
        Class<T> configured = type;
        if (configured != null) {
            return configured;
        }
        Class<?> found = Optional.ofNullable(SpecificData.get().getClass(writerSchema))
                .filter(SpecificRecord.class::isAssignableFrom)
                .orElseThrow(() -> new UndecodableRecordException(
                        UndecodableRecordException.Reason.INCOMPATIBLE_WRITER_SCHEMA, id, "writer schema id " + id
                        + " is " + writerSchema.getFullName() + ", which has no generated class on the class path; set "
                        + (isKey ? SPECIFIC_KEY_TYPE : SPECIFIC_VALUE_TYPE) + " to the class to read into", null));
        return (Class<T>) found;
    }

    private String subject(String topic) {
        if (topic == null || topic.isEmpty()) {
            throw new SerializationException("ConfluentAvroSerde needs a topic name to derive the subject"
                    + " (<topic>-key or <topic>-value)");
        }
        return topic + (isKey ? "-key" : "-value");
    }

    private SchemaRegistry requireRegistry() {
        SchemaRegistry current = registry;
        if (current == null) {
            throw new IllegalStateException("ConfluentAvroSerde has no schema registry: construct it with one, or call"
                    + " configure() with " + SCHEMA_REGISTRY_URL);
        }
        return current;
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    /**
     * Releases nothing: a registry passed in belongs to the caller, and the REST client built by {@link #configure}
     * holds only an {@code HttpClient}, whose idle connections close on their own.
     */
    @Override
    public void close() {
        decodings.clear();
    }
}
