package io.stashflow.api.registry.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.stashflow.api.registry.BackwardCompatibility;
import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.registry.RegisteredSchema;
import io.stashflow.api.registry.RegistryErrorCode;
import io.stashflow.api.registry.SchemaRegistry;
import io.stashflow.api.registry.SchemaRegistryException;
import io.stashflow.api.registry.SchemaRegistryState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves any {@link SchemaRegistry} over Confluent Schema Registry's REST API, so that Confluent-compatible clients
 * in any language (the Java serdes, kafkajs, confluent-kafka-python, ...) can use Stashflow's standalone registry.
 *
 * <p>Routes (JSON in and out, media type {@value ConfluentRestSchemaRegistry#CONTENT_TYPE}):
 * <pre>
 * GET  /                                              {}
 * GET  /config, /config/{s}                           {"compatibilityLevel":"BACKWARD"}
 * GET  /schemas/types                                 ["AVRO"]
 * GET  /schemas/ids/{id}                              {"schema":"..."}
 * GET  /schemas/ids/{id}/schema                       the schema itself
 * GET  /schemas/ids/{id}/versions                     [{"subject":"...","version":n}]
 * GET  /subjects                                      ["..."]
 * POST /subjects/{s}                                  lookup → {"subject","id","version","schema"}
 * GET  /subjects/{s}/versions                         [1,2]
 * POST /subjects/{s}/versions                         register → {"id":n}
 * GET  /subjects/{s}/versions/{v|latest}              {"subject","id","version","schema"}
 * GET  /subjects/{s}/versions/{v|latest}/schema       the schema itself
 * POST /compatibility/subjects/{s}/versions/{v|latest}[?verbose=true]   {"is_compatible":bool[,"messages":[...]]}
 * </pre>
 * Errors are Confluent's bodies {@code {"error_code":n,"message":"..."}} with its statuses: 404 for 40401/40402/40403
 * and unknown paths, 405 for a known path with another method, 409 for incompatible schemas, 422 for 42201/42202.
 * Only Avro is accepted ({@code schemaType} absent or {@code AVRO}; no schema references). Compatibility is
 * {@value EmbeddedSchemaRegistry#COMPATIBILITY_LEVEL} for every subject and cannot be changed over HTTP.
 */
public final class SchemaRegistryHttpServer implements AutoCloseable {

    /** The option operators change when the port is taken; the launcher's flag. */
    public static final String DEFAULT_PORT_OPTION = "--schema-registry-port";

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryHttpServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;

    static {
        // The JDK server writes response headers and body in two packets; without TCP_NODELAY, Nagle's algorithm
        // and the client's delayed ACK add ~40 ms to every answer (measured: 46 ms vs 3 ms per request on loopback).
        // The JDK reads this property once, when its first HttpServer starts, so it is set here unless the operator
        // chose otherwise; a launcher that starts another HttpServer earlier should pass it on the command line.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final SchemaRegistry registry;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();

    private SchemaRegistryHttpServer(SchemaRegistry registry, HttpServer server, ExecutorService executor) {
        this.registry = registry;
        this.server = server;
        this.executor = executor;
    }

    /** Starts serving {@code registry} on {@code bindAddress:port} (port 0: any free port). */
    public static SchemaRegistryHttpServer start(SchemaRegistry registry, String bindAddress, int port) {
        return start(registry, new InetSocketAddress(bindAddress, port), DEFAULT_PORT_OPTION);
    }

    /**
     * Starts serving {@code registry} on {@code address}.
     *
     * @param portOption the setting an operator changes when the port is taken, named in that error
     * @throws IllegalStateException when the address is in use or cannot be bound
     */
    public static SchemaRegistryHttpServer start(SchemaRegistry registry, InetSocketAddress address, String portOption) {
        Objects.requireNonNull(registry, "registry");
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (BindException e) {
            throw new IllegalStateException("Cannot start the schema registry endpoint on "
                    + address.getHostString() + ":" + address.getPort() + ": the port " + address.getPort()
                    + " is already in use (" + e.getMessage() + "). Stop what uses it or choose another port with "
                    + portOption + " (0 picks a free port)", e);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the schema registry endpoint on "
                    + address.getHostString() + ":" + address.getPort() + ": " + e + "; check the bind address and "
                    + portOption, e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(4, new ThreadFactory() {
            private final AtomicInteger count = new AtomicInteger();

            @Override
            public Thread newThread(Runnable runnable) {
                Thread thread = new Thread(runnable, "schema-registry-http-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            }
        });
        SchemaRegistryHttpServer endpoint = new SchemaRegistryHttpServer(registry, server, executor);
        server.createContext("/", endpoint::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info("schema registry endpoint listening on http://{}:{}", address.getHostString(), endpoint.port());
        return endpoint;
    }

    /** The port actually bound (useful after starting on port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://host:port} of this endpoint, for clients and {@code schema.registry.url}. */
    public String baseUrl() {
        String host = server.getAddress().getHostString();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0")) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port();
    }

    /** Refuses new requests, lets running ones finish for up to a second, and frees the port. */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        // HttpServer.stop(n) waits the full n seconds on Java 17 even when idle; wait for running requests instead
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        try {
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop(0);
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void handle(HttpExchange exchange) throws IOException {
        inFlight.incrementAndGet();
        try {
            Response response;
            try {
                response = stopped.get() ? error(503, 503, "The schema registry endpoint is stopping")
                        : route(exchange);
            } catch (SchemaRegistryException e) {
                response = error(e.httpStatus() == 0 ? 500 : e.httpStatus(),
                        e.errorCode() == 0 ? RegistryErrorCode.STORE_ERROR.code() : e.errorCode(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("schema registry request {} {} failed", exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath(), e);
                response = error(500, RegistryErrorCode.STORE_ERROR.code(), "Internal error: " + e);
            }
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.sendResponseHeaders(response.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } finally {
            exchange.close();
            inFlight.decrementAndGet();
        }
    }

    private record Response(int status, String contentType, String body) {
    }

    private static Response json(JsonNode body) {
        return new Response(200, ConfluentRestSchemaRegistry.CONTENT_TYPE, body.toString());
    }

    private static Response error(int status, int errorCode, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error_code", errorCode);
        body.put("message", message);
        return new Response(status, ConfluentRestSchemaRegistry.CONTENT_TYPE, body.toString());
    }

    private static Response notFound() {
        return error(404, 404, "HTTP 404 Not Found");
    }

    private static Response methodNotAllowed(String method) {
        return error(405, 405, "HTTP 405 Method Not Allowed: " + method + " is not served here");
    }

    private Response route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        List<String> path = segments(exchange.getRequestURI().getRawPath());
        String query = exchange.getRequestURI().getRawQuery();
        int size = path.size();
        if (size == 0) {
            return only("GET", method, () -> json(JSON.createObjectNode()));
        }
        switch (path.get(0)) {
            case "config":
                if (size <= 2) {
                    return only("GET", method, () -> json(JSON.createObjectNode()
                            .put("compatibilityLevel", EmbeddedSchemaRegistry.COMPATIBILITY_LEVEL)));
                }
                return notFound();
            case "schemas":
                return schemas(method, path);
            case "subjects":
                return subjects(exchange, method, path);
            case "compatibility":
                if (size == 5 && path.get(1).equals("subjects") && path.get(3).equals("versions")) {
                    if (!method.equals("POST")) {
                        return methodNotAllowed(method);
                    }
                    boolean verbose = query != null && List.of(query.split("&")).contains("verbose=true");
                    return compatibility(path.get(2), path.get(4), readSchema(exchange), verbose);
                }
                return notFound();
            default:
                return notFound();
        }
    }

    private Response schemas(String method, List<String> path) {
        int size = path.size();
        if (size == 2 && path.get(1).equals("types")) {
            return only("GET", method, () -> json(JSON.createArrayNode().add("AVRO")));
        }
        if (size < 3 || size > 4 || !path.get(1).equals("ids")) {
            return notFound();
        }
        String tail = size == 4 ? path.get(3) : "";
        if (!tail.isEmpty() && !tail.equals("schema") && !tail.equals("versions")) {
            return notFound();
        }
        return only("GET", method, () -> {
            int id = parseId(path.get(2));
            Schema schema = registry.byId(id);
            if (tail.equals("schema")) {
                return new Response(200, ConfluentRestSchemaRegistry.CONTENT_TYPE, schema.toString());
            }
            if (tail.equals("versions")) {
                return json(versionsOfId(id));
            }
            return json(JSON.createObjectNode().put("schema", schema.toString()));
        });
    }

    private static int parseId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw RegistryErrorCode.SCHEMA_NOT_FOUND.exception("Schema " + text + " not found");
        }
    }

    /** Which subject versions hold a schema id; a scan, because the port keeps no reverse index. */
    private ArrayNode versionsOfId(int id) {
        ArrayNode answer = JSON.createArrayNode();
        for (String subject : registry.subjects()) {
            for (int version : registry.versions(subject)) {
                if (registry.version(subject, version).id() == id) {
                    answer.add(JSON.createObjectNode().put("subject", subject).put("version", version));
                }
            }
        }
        return answer;
    }

    private Response subjects(HttpExchange exchange, String method, List<String> path) throws IOException {
        int size = path.size();
        if (size == 1) {
            return only("GET", method, () -> {
                ArrayNode answer = JSON.createArrayNode();
                registry.subjects().forEach(answer::add);
                return json(answer);
            });
        }
        String subject = path.get(1);
        if (size == 2) {
            if (!method.equals("POST")) {
                return methodNotAllowed(method);
            }
            Schema schema = readSchema(exchange);
            Optional<RegisteredSchema> found = registry.lookup(subject, schema);
            if (found.isEmpty()) {
                registry.versions(subject); // 40401 when the subject itself is unknown
                throw RegistryErrorCode.SCHEMA_NOT_FOUND.exception("Schema not found in subject '" + subject + "'");
            }
            return json(registered(found.get()));
        }
        if (!path.get(2).equals("versions") || size > 5) {
            return notFound();
        }
        if (size == 3) {
            if (method.equals("POST")) {
                int id = registry.register(subject, readSchema(exchange));
                return json(JSON.createObjectNode().put("id", id));
            }
            return only("GET", method, () -> {
                ArrayNode answer = JSON.createArrayNode();
                registry.versions(subject).forEach(answer::add);
                return json(answer);
            });
        }
        if (size == 5 && !path.get(4).equals("schema")) {
            return notFound();
        }
        return only("GET", method, () -> {
            RegisteredSchema version = resolveVersion(subject, path.get(3));
            if (size == 5) {
                return new Response(200, ConfluentRestSchemaRegistry.CONTENT_TYPE, version.schema().toString());
            }
            return json(registered(version));
        });
    }

    private RegisteredSchema resolveVersion(String subject, String version) {
        if (version.equals("latest") || version.equals("-1")) {
            return registry.latest(subject).orElseThrow(() -> RegistryErrorCode.SUBJECT_NOT_FOUND.exception(
                    "Subject '" + subject + "' not found."));
        }
        int number;
        try {
            number = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            number = 0;
        }
        if (number < 1) {
            throw RegistryErrorCode.INVALID_VERSION.exception("The specified version '" + version + "' is not a valid"
                    + " version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
        }
        return registry.version(subject, number);
    }

    private Response compatibility(String subject, String version, Schema schema, boolean verbose) {
        List<String> problems;
        if (version.equals("latest") || version.equals("-1")) {
            boolean compatible = registry.isCompatible(subject, schema);
            // the registry decides; the problems are recomputed here only to explain a refusal
            problems = compatible ? List.of() : registry.latest(subject)
                    .map(latest -> BackwardCompatibility.problems(schema, latest.schema()))
                    .orElse(List.of());
            if (!compatible && problems.isEmpty()) {
                problems = List.of("the registry found the schema incompatible with the latest version");
            }
        } else {
            problems = BackwardCompatibility.problems(schema, resolveVersion(subject, version).schema());
        }
        ObjectNode answer = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
        if (verbose) {
            ArrayNode messages = answer.putArray("messages");
            problems.forEach(messages::add);
        }
        return json(answer);
    }

    private static ObjectNode registered(RegisteredSchema registered) {
        return JSON.createObjectNode()
                .put("subject", registered.subject())
                .put("version", registered.version())
                .put("id", registered.id())
                .put("schema", registered.schema().toString());
    }

    /** Reads {@code {"schema": "...", "schemaType"?: "AVRO", "references"?: []}} and parses the schema. */
    private static Schema readSchema(HttpExchange exchange) throws IOException {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(MAX_REQUEST_BYTES + 1);
        }
        if (bytes.length > MAX_REQUEST_BYTES) {
            throw new SchemaRegistryException(413, 413, "Request body larger than " + MAX_REQUEST_BYTES + " bytes");
        }
        JsonNode body;
        try {
            body = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException(400, 400, "The request body is not JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject() || !body.path("schema").isTextual()) {
            throw RegistryErrorCode.INVALID_SCHEMA.exception("Invalid schema: the request body must be a JSON object"
                    + " with a \"schema\" field holding the schema as a JSON string");
        }
        JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
            throw RegistryErrorCode.INVALID_SCHEMA.exception("Invalid schema type " + type.asText()
                    + ": this registry holds only AVRO schemas");
        }
        JsonNode references = body.get("references");
        if (references != null && !references.isNull() && !(references.isArray() && references.isEmpty())) {
            throw RegistryErrorCode.INVALID_SCHEMA.exception("Invalid schema: schema references are not supported by"
                    + " this registry; register the schema with its named types inlined");
        }
        try {
            return SchemaRegistryState.parse(body.get("schema").asText());
        } catch (SchemaParseException e) {
            throw RegistryErrorCode.INVALID_SCHEMA.exception("Invalid schema: " + e.getMessage());
        }
    }

    private interface Action {
        Response run();
    }

    private static Response only(String allowed, String method, Action action) {
        return allowed.equals(method) ? action.run() : methodNotAllowed(method);
    }

    /** Path segments, percent-decoded one by one so that an encoded '/' stays inside its subject name. */
    static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        if (rawPath == null) {
            return segments;
        }
        for (String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                // URLDecoder is for forms: protect '+' so that it stays a plus in a path
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }
}
