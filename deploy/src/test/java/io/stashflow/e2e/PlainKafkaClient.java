package io.stashflow.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A client of Stashflow that knows nothing of Stashflow's code: plain kafka-clients, Avro's generic API and
 * {@code java.net.http} against the Confluent-compatible schema registry. It asks for a BackupSession the way any
 * producer in any language would and follows the session in {@code stash.session-status} until it is final.
 *
 * <ol>
 *   <li>The value schema of {@code stash.sessions}: the latest version of the subject {@code stash.sessions-value}
 *       ({@code GET /subjects/stash.sessions-value/versions/latest}). When the subject does not exist yet (the registry
 *       holds only schemas that were used) and {@code --schema} files are given, the client registers the schema they
 *       define, as Confluent's serializers do with {@code auto.register.schemas}
 *       ({@code POST /subjects/stash.sessions-value/versions}); the registry's compatibility check guards that.</li>
 *   <li>A {@code SessionRequested} record built field by field, encoded in Confluent's wire format (magic byte 0, the
 *       schema id as 4 bytes big-endian, Avro binary) and produced with the key {@code cluster/namespace/session} and
 *       CloudEvents headers (binary content mode).</li>
 *   <li>{@code stash.session-status} read with {@code read_committed} from the beginning of every partition (no
 *       consumer group); each value of the session's
 *       key is decoded with its writer schema ({@code GET /schemas/ids/{id}}).</li>
 * </ol>
 *
 * <p>Options ({@code --name value}): {@code --bootstrap-servers}, {@code --registry-url}, {@code --cluster}
 * (standalone), {@code --namespace}, {@code --backup-configuration}, {@code --session-name}, {@code --topic-prefix}
 * (stash), {@code --timeout} (seconds, 60), {@code --schema FILE} (repeatable: Avro files in dependency order, the
 * last one the value's record). Exit status: 0 when the session succeeded, 1 when it ended in another phase, 2 for
 * wrong options or a registry/broker error, 3 when it did not end within the timeout.
 */
public final class PlainKafkaClient {

    static final int SUCCEEDED = 0;
    static final int ENDED_OTHERWISE = 1;
    static final int ERROR = 2;
    static final int TIMED_OUT = 3;

    private static final Set<String> FINAL_PHASES = Set.of("Succeeded", "Failed", "Skipped", "Unknown", "Invalid");
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String registryUrl;
    private final PrintStream out;
    private final Map<Integer, Schema> schemasById = new HashMap<>();

    private PlainKafkaClient(String registryUrl, PrintStream out) {
        this.registryUrl = registryUrl.endsWith("/") ? registryUrl.substring(0, registryUrl.length() - 1) : registryUrl;
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) {
        Map<String, String> options = new HashMap<>();
        List<Path> schemaFiles = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                out.println("plain-kafka-client: expected --option value pairs, got " + args[i]);
                return ERROR;
            }
            if (args[i].equals("--schema")) {
                schemaFiles.add(Path.of(args[++i]));
            } else {
                options.put(args[i].substring(2), args[++i]);
            }
        }
        for (String required : List.of("bootstrap-servers", "registry-url", "namespace", "backup-configuration",
                "session-name")) {
            if (!options.containsKey(required)) {
                out.println("plain-kafka-client: --" + required + " is required");
                return ERROR;
            }
        }
        String prefix = options.getOrDefault("topic-prefix", "stash");
        String cluster = options.getOrDefault("cluster", "standalone");
        String namespace = options.get("namespace");
        String session = options.get("session-name");
        Duration timeout = Duration.ofSeconds(Long.parseLong(options.getOrDefault("timeout", "60")));
        PlainKafkaClient client = new PlainKafkaClient(options.get("registry-url"), out);
        try {
            return client.requestAndFollow(options.get("bootstrap-servers"), prefix, cluster, namespace,
                    options.get("backup-configuration"), session, schemaFiles, timeout);
        } catch (IOException | RuntimeException e) {
            out.println("plain-kafka-client: " + e);
            return ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ERROR;
        }
    }

    private int requestAndFollow(String bootstrap, String prefix, String cluster, String namespace, String invoker,
                                 String session, List<Path> schemaFiles, Duration timeout)
            throws IOException, InterruptedException {
        String sessionsTopic = prefix + ".sessions";
        String statusTopic = prefix + ".session-status";
        String key = cluster + "/" + namespace + "/" + session;

        Map<String, Object> latest = valueSchema(sessionsTopic + "-value", schemaFiles);
        int id = ((Number) latest.get("id")).intValue();
        Schema schema = new Schema.Parser().parse((String) latest.get("schema"));
        schemasById.put(id, schema);

        Schema kindSchema = schema.getField("kind").schema();
        Schema invokerSchema = schema.getField("invoker").schema();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app", "stash");
        labels.put("stash.appscode.com/invoker-type", "BackupConfiguration");
        labels.put("stash.appscode.com/invoker-name", invoker);
        Instant now = Instant.now();
        GenericRecord request = new GenericRecordBuilder(schema)
                .set("cluster", cluster)
                .set("namespace", namespace)
                .set("sessionName", session)
                .set("kind", new GenericData.EnumSymbol(kindSchema, "BACKUP"))
                .set("invoker", new GenericRecordBuilder(invokerSchema)
                        .set("apiGroup", "stash.appscode.com")
                        .set("kind", "BackupConfiguration")
                        .set("name", invoker)
                        .build())
                .set("requestedAt", now.toEpochMilli())
                .set("requestedBy", "plain-kafka-client")
                .set("labels", labels)
                .build(); // fields not set take their schema defaults (retryLeft, retryOf)

        // no consumer group: every partition of the status topic from its beginning, committed records only
        Properties consumerSettings = new Properties();
        consumerSettings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumerSettings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerSettings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerSettings, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(statusTopic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                out.println("plain-kafka-client: the topic " + statusTopic
                        + " does not exist (is the reporter running?)");
                return ERROR;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);

            Map<String, Object> producerSettings = Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerSettings, new StringSerializer(),
                    new ByteArraySerializer())) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(sessionsTopic, key, encode(id, request));
                header(record, "ce_specversion", "1.0");
                header(record, "ce_id", UUID.randomUUID().toString());
                header(record, "ce_source", "/plain-kafka-client/" + cluster);
                header(record, "ce_type", "io.stashflow.session.requested.v1");
                header(record, "ce_time", DateTimeFormatter.ISO_INSTANT.format(now));
                header(record, "ce_subject", key);
                header(record, "content-type", "application/vnd.apache.avro+binary");
                RecordMetadata written = producer.send(record).get(30, java.util.concurrent.TimeUnit.SECONDS);
                out.println("plain-kafka-client: requested " + key + " with schema id " + id + " ("
                        + written.topic() + " partition " + written.partition() + " offset " + written.offset() + ")");
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                out.println("plain-kafka-client: could not produce the request: " + e);
                return ERROR;
            }

            long until = System.nanoTime() + timeout.toNanos();
            String lastPhase = null;
            while (System.nanoTime() < until) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    if (!key.equals(record.key()) || record.value() == null) {
                        continue;
                    }
                    GenericRecord status = decode(record.value());
                    String phase = String.valueOf(status.get("phase"));
                    if (!phase.equals(lastPhase)) {
                        out.println("plain-kafka-client: session " + key + " " + phase + " (schema id "
                                + ByteBuffer.wrap(record.value(), 1, 4).getInt() + ")");
                        lastPhase = phase;
                    }
                    if (FINAL_PHASES.contains(phase)) {
                        if (phase.equals("Succeeded")) {
                            return SUCCEEDED;
                        }
                        out.println("plain-kafka-client: conditions " + status.get("conditions"));
                        out.println("plain-kafka-client: targets " + status.get("targets"));
                        return ENDED_OTHERWISE;
                    }
                }
            }
            out.println("plain-kafka-client: " + key + " did not end within " + timeout.toSeconds() + " s (last phase "
                    + lastPhase + ")");
            return TIMED_OUT;
        }
    }

    private static void header(ProducerRecord<String, byte[]> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The subject's latest version, registering the schema of {@code schemaFiles} first when the subject is absent. */
    private Map<String, Object> valueSchema(String subject, List<Path> schemaFiles)
            throws IOException, InterruptedException {
        String encoded = URLEncoder.encode(subject, StandardCharsets.UTF_8);
        HttpResponse<String> latest = get("/subjects/" + encoded + "/versions/latest");
        if (latest.statusCode() == 200) {
            Map<String, Object> answer = FlatJson.parse(latest.body());
            out.println("plain-kafka-client: using the latest schema of " + subject + " (version "
                    + answer.get("version") + ", id " + answer.get("id") + ")");
            return answer;
        }
        Map<String, Object> error = FlatJson.parse(latest.body());
        if (latest.statusCode() != 404 || !Long.valueOf(40401).equals(error.get("error_code"))) {
            throw new IOException("GET " + subject + " latest: HTTP " + latest.statusCode() + " " + latest.body());
        }
        if (schemaFiles.isEmpty()) {
            throw new IOException("the registry has no subject " + subject + " yet; pass the Avro files of the request"
                    + " with --schema to register it");
        }
        Schema.Parser parser = new Schema.Parser();
        Schema schema = null;
        for (Path file : schemaFiles) {
            schema = parser.parse(Files.readString(file));
        }
        HttpResponse<String> registered = http.send(HttpRequest.newBuilder(URI.create(registryUrl + "/subjects/"
                        + encoded + "/versions"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":" + FlatJson.quote(schema.toString()) + "}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (registered.statusCode() != 200) {
            throw new IOException("registering " + subject + ": HTTP " + registered.statusCode() + " "
                    + registered.body());
        }
        Map<String, Object> answer = new HashMap<>(FlatJson.parse(registered.body()));
        answer.put("schema", schema.toString());
        out.println("plain-kafka-client: registered " + subject + " from " + schemaFiles.get(schemaFiles.size() - 1)
                + " (id " + answer.get("id") + ")");
        return answer;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(registryUrl + path)).timeout(Duration.ofSeconds(10))
                .header("Accept", CONTENT_TYPE).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Confluent's wire format: magic byte 0, the schema id (4 bytes, big-endian), the Avro binary encoding. */
    static byte[] encode(int schemaId, GenericRecord record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(0);
        bytes.write(ByteBuffer.allocate(4).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }

    /** Decodes a Confluent-framed value with its writer schema, fetched by id once. */
    private GenericRecord decode(byte[] value) throws IOException, InterruptedException {
        if (value.length < 5 || value[0] != 0) {
            throw new IOException("not in Confluent's wire format (magic byte " + (value.length > 0 ? value[0] : -1)
                    + ")");
        }
        int id = ByteBuffer.wrap(value, 1, 4).getInt();
        Schema writer = schemasById.get(id);
        if (writer == null) {
            HttpResponse<String> answer = get("/schemas/ids/" + id);
            if (answer.statusCode() != 200) {
                throw new IOException("GET /schemas/ids/" + id + ": HTTP " + answer.statusCode() + " " + answer.body());
            }
            writer = new Schema.Parser().parse((String) FlatJson.parse(answer.body()).get("schema"));
            schemasById.put(id, writer);
        }
        return new GenericDatumReader<GenericRecord>(writer).read(null,
                DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
    }

    /**
     * Just enough JSON for the registry's answers, which are flat objects of strings and numbers (the schema itself
     * travels as a string): nested values are rejected rather than misread.
     */
    static final class FlatJson {

        private final String text;
        private int at;

        private FlatJson(String text) {
            this.text = text;
        }

        static Map<String, Object> parse(String text) {
            FlatJson json = new FlatJson(text);
            Map<String, Object> values = new LinkedHashMap<>();
            json.expect('{');
            if (json.peek() == '}') {
                json.at++;
                return values;
            }
            while (true) {
                String name = json.string();
                json.expect(':');
                values.put(name, json.value());
                char next = json.next();
                if (next == '}') {
                    return values;
                }
                if (next != ',') {
                    throw json.error("',' or '}'");
                }
            }
        }

        static String quote(String value) {
            StringBuilder quoted = new StringBuilder("\"");
            for (char c : value.toCharArray()) {
                switch (c) {
                    case '"' -> quoted.append("\\\"");
                    case '\\' -> quoted.append("\\\\");
                    case '\n' -> quoted.append("\\n");
                    case '\r' -> quoted.append("\\r");
                    case '\t' -> quoted.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            quoted.append(String.format("\\u%04x", (int) c));
                        } else {
                            quoted.append(c);
                        }
                    }
                }
            }
            return quoted.append('"').toString();
        }

        private Object value() {
            char c = peek();
            if (c == '"') {
                return string();
            }
            if (c == '-' || Character.isDigit(c)) {
                int start = at;
                while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
                    at++;
                }
                String number = text.substring(start, at);
                return number.matches("-?\\d+") ? (Object) Long.valueOf(number) : (Object) Double.valueOf(number);
            }
            for (String literal : List.of("true", "false", "null")) {
                if (text.startsWith(literal, at)) {
                    at += literal.length();
                    return literal.equals("null") ? null : Boolean.valueOf(literal);
                }
            }
            throw error("a string, number or literal (nested values are not expected here)");
        }

        private String string() {
            expect('"');
            StringBuilder value = new StringBuilder();
            while (at < text.length()) {
                char c = text.charAt(at++);
                if (c == '"') {
                    return value.toString();
                }
                if (c != '\\') {
                    value.append(c);
                    continue;
                }
                char escaped = text.charAt(at++);
                switch (escaped) {
                    case 'n' -> value.append('\n');
                    case 't' -> value.append('\t');
                    case 'r' -> value.append('\r');
                    case 'b' -> value.append('\b');
                    case 'f' -> value.append('\f');
                    case 'u' -> {
                        value.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> value.append(escaped); // \" \\ \/
                }
            }
            throw error("the end of a string");
        }

        private void expect(char c) {
            if (next() != c) {
                throw error("'" + c + "'");
            }
        }

        private char next() {
            char c = peek();
            at++;
            return c;
        }

        private char peek() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
            if (at >= text.length()) {
                throw error("more input");
            }
            return text.charAt(at);
        }

        private IllegalArgumentException error(String expected) {
            return new IllegalArgumentException("registry answer: expected " + expected + " at " + at + " of "
                    + text);
        }
    }
}
