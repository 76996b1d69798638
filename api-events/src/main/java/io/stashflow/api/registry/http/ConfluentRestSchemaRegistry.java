package io.stashflow.api.registry.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stashflow.api.registry.RegisteredSchema;
import io.stashflow.api.registry.RegistryErrorCode;
import io.stashflow.api.registry.SchemaRegistry;
import io.stashflow.api.registry.SchemaRegistryException;
import io.stashflow.api.registry.SchemaRegistryState;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * {@link SchemaRegistry} over Confluent Schema Registry's REST API, using only the calls and JSON shapes that Confluent
 * Schema Registry, Apicurio's ccompat API ({@code http://host/apis/ccompat/v7}), Redpanda and Karapace all serve:
 * <pre>
 * POST /subjects/{s}/versions                        {"schema":"..."}  → {"id":n}
 * GET  /schemas/ids/{id}                                               → {"schema":"..."}
 * POST /subjects/{s}                                 {"schema":"..."}  → {"subject","id","version","schema"}
 * GET  /subjects/{s}/versions/latest | /{version}                      → {"subject","id","version","schema"}
 * POST /compatibility/subjects/{s}/versions/latest   {"schema":"..."}  → {"is_compatible":bool}
 * GET  /subjects                                                       → ["..."]
 * GET  /subjects/{s}/versions                                          → [1,2]
 * </pre>
 * {@code schemaType} is never sent: Avro is every registry's default.
 *
 * <p>Ids never change once assigned, so the schema for an id and the id for a (subject, schema) pair are cached for
 * the life of the client; latest versions, subject lists and compatibility answers are always asked for.
 *
 * <p>Errors are {@link SchemaRegistryException}s with the HTTP status, the registry's {@code error_code} and its
 * {@code message}; the password is never part of a message, and credentials given in the URL
 * ({@code https://user:password@host}) are moved into the Authorization header and removed from the URL.
 */
public final class ConfluentRestSchemaRegistry implements SchemaRegistry {

    /** The media type of Confluent's API, sent as Content-Type and (first) in Accept. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            CONTENT_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_IN_MESSAGE = 500;

    private final String baseUrl;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final String authorization;
    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idBySubjectSchema = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {
    }

    private ConfluentRestSchemaRegistry(Builder builder) {
        this.baseUrl = builder.baseUrl;
        this.requestTimeout = builder.requestTimeout;
        this.authorization = builder.user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((builder.user + ":" + builder.password).getBytes(StandardCharsets.UTF_8));
        HttpClient.Builder client = HttpClient.newBuilder()
                .connectTimeout(builder.connectTimeout)
                // never follow: a redirected POST turns into a GET, and the Authorization header must not travel
                .followRedirects(HttpClient.Redirect.NEVER);
        if (builder.sslContext != null) {
            client.sslContext(builder.sslContext);
        }
        this.http = client.build();
    }

    /**
     * A builder for a client of the registry at {@code baseUrl}, e.g. {@code http://localhost:8081} or
     * {@code https://registry.example/apis/ccompat/v7} (a path prefix is kept).
     */
    public static Builder builder(String baseUrl) {
        return new Builder(baseUrl);
    }

    /** A client with default timeouts and no authentication. */
    public static ConfluentRestSchemaRegistry of(String baseUrl) {
        return builder(baseUrl).build();
    }

    /** The registry's base URL, without credentials. */
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        int id = requiredInt(answer, "id", "POST /subjects/{subject}/versions");
        idBySubjectSchema.put(key, id);
        schemaById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema byId(int id) {
        Schema cached = schemaById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "/schemas/ids/" + id, null);
        requireAvro(answer, "schema id " + id);
        Schema schema = parseSchema(requiredText(answer, "schema", "GET /schemas/ids/{id}"), "schema id " + id);
        schemaById.putIfAbsent(id, schema);
        return schema;
    }

    @Override
    public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        try {
            RegisteredSchema found = registered(send("POST", "/subjects/" + encode(subject), schemaBody(schema)),
                    subject, "POST /subjects/{subject}");
            idBySubjectSchema.put(new SubjectSchema(subject, schema), found.id());
            return Optional.of(found);
        } catch (SchemaRegistryException e) {
            if (e.is(RegistryErrorCode.SUBJECT_NOT_FOUND) || e.is(RegistryErrorCode.SCHEMA_NOT_FOUND)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Optional<RegisteredSchema> latest(String subject) {
        try {
            return Optional.of(registered(send("GET", "/subjects/" + encode(subject) + "/versions/latest", null),
                    subject, "GET /subjects/{subject}/versions/latest"));
        } catch (SchemaRegistryException e) {
            if (e.is(RegistryErrorCode.SUBJECT_NOT_FOUND) || e.is(RegistryErrorCode.VERSION_NOT_FOUND)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        return registered(send("GET", "/subjects/" + encode(subject) + "/versions/" + version, null),
                subject, "GET /subjects/{subject}/versions/{version}");
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        try {
            JsonNode answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                    schemaBody(schema));
            JsonNode compatible = answer.get("is_compatible");
            if (compatible == null || !compatible.isBoolean()) {
                throw unexpectedAnswer("POST /compatibility/subjects/{subject}/versions/latest",
                        "no boolean \"is_compatible\"", answer);
            }
            return compatible.booleanValue();
        } catch (SchemaRegistryException e) {
            // older Confluent versions answer 40401 where newer ones say compatible: no version to be incompatible with
            if (e.is(RegistryErrorCode.SUBJECT_NOT_FOUND) || e.is(RegistryErrorCode.VERSION_NOT_FOUND)) {
                return true;
            }
            throw e;
        }
    }

    @Override
    public List<String> subjects() {
        JsonNode answer = send("GET", "/subjects", null);
        if (!answer.isArray()) {
            throw unexpectedAnswer("GET /subjects", "not a JSON array", answer);
        }
        List<String> subjects = new ArrayList<>();
        answer.forEach(subject -> subjects.add(subject.asText()));
        subjects.sort(null);
        return List.copyOf(subjects);
    }

    @Override
    public List<Integer> versions(String subject) {
        JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions", null);
        if (!answer.isArray()) {
            throw unexpectedAnswer("GET /subjects/{subject}/versions", "not a JSON array", answer);
        }
        List<Integer> versions = new ArrayList<>();
        answer.forEach(version -> versions.add(version.asInt()));
        versions.sort(null);
        return List.copyOf(versions);
    }

    private RegisteredSchema registered(JsonNode answer, String subject, String call) {
        requireAvro(answer, "subject " + subject);
        int version = requiredInt(answer, "version", call);
        int id = requiredInt(answer, "id", call);
        String answeredSubject = answer.hasNonNull("subject") ? answer.get("subject").asText() : subject;
        Schema schema = schemaById.computeIfAbsent(id,
                unused -> parseSchema(requiredText(answer, "schema", call), "subject " + subject + " version " + version));
        return new RegisteredSchema(answeredSubject, version, id, schema);
    }

    private void requireAvro(JsonNode answer, String what) {
        JsonNode type = answer.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
            throw RegistryErrorCode.INVALID_SCHEMA.exception("The schema registry at " + baseUrl + " holds a "
                    + type.asText() + " schema for " + what + "; Stashflow reads only Avro schemas");
        }
    }

    private Schema parseSchema(String text, String what) {
        try {
            return SchemaRegistryState.parse(text);
        } catch (SchemaParseException e) {
            throw RegistryErrorCode.INVALID_SCHEMA.exception("The schema registry at " + baseUrl + " returned a schema"
                    + " for " + what + " that is not valid Avro: " + e.getMessage(), e);
        }
    }

    private static String schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    /** Subject names may hold '/', '+' or spaces: one path segment, percent-encoded. */
    static String encode(String subject) {
        if (subject == null || subject.isEmpty()) {
            throw new IllegalArgumentException("a subject name is required (e.g. <topic>-value)");
        }
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(requestTimeout)
                .header("Accept", ACCEPT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchemaRegistryException(0, 0, "Cannot reach the schema registry at " + baseUrl + " for "
                    + method + " " + path + ": " + e + "; check schema.registry.url and that the registry is running", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(0, 0, "Interrupted while calling the schema registry at " + baseUrl
                    + " (" + method + " " + path + ")", e);
        }
        JsonNode json = null;
        try {
            json = response.body() == null || response.body().isBlank() ? null : JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            // not JSON (a proxy's HTML page, say): reported below with the raw body
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            if (json == null) {
                throw new SchemaRegistryException(status, 0, "The schema registry at " + baseUrl + " answered "
                        + method + " " + path + " with HTTP " + status + " but not with JSON: " + clip(response.body()));
            }
            return json;
        }
        int errorCode = json != null && json.path("error_code").canConvertToInt() ? json.get("error_code").asInt() : 0;
        String registryMessage = json != null && json.hasNonNull("message") ? json.get("message").asText()
                : clip(response.body());
        String hint = "";
        if (status == 401 || status == 403) {
            hint = " (check the registry credentials: basic.auth.user.info)";
        } else if (status == 404 && (errorCode == 0 || errorCode == 404)) {
            // a plain 404, not one of the registry's 404xx codes: the URL does not lead to a Confluent-style API
            hint = " (is " + baseUrl + " the Confluent-compatible API? Apicurio serves it under /apis/ccompat/v7)";
        } else if (status >= 300 && status < 400) {
            hint = " (redirected to " + response.headers().firstValue("Location").orElse("?")
                    + "; configure that URL instead)";
        }
        throw new SchemaRegistryException(status, errorCode, "Schema registry at " + baseUrl + " answered HTTP " + status
                + " to " + method + " " + path + ": error_code " + errorCode + ", message: " + registryMessage + hint);
    }

    private SchemaRegistryException unexpectedAnswer(String call, String problem, JsonNode answer) {
        return new SchemaRegistryException(200, 0, "The schema registry at " + baseUrl + " answered " + call
                + " with " + problem + ": " + clip(answer.toString()));
    }

    private int requiredInt(JsonNode answer, String field, String call) {
        JsonNode value = answer.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw unexpectedAnswer(call, "no integer \"" + field + "\"", answer);
        }
        return value.asInt();
    }

    private String requiredText(JsonNode answer, String field, String call) {
        JsonNode value = answer.get(field);
        if (value == null || !value.isTextual()) {
            throw unexpectedAnswer(call, "no string \"" + field + "\"", answer);
        }
        return value.asText();
    }

    private static String clip(String text) {
        if (text == null) {
            return "(empty body)";
        }
        return text.length() <= MAX_BODY_IN_MESSAGE ? text : text.substring(0, MAX_BODY_IN_MESSAGE) + "…";
    }

    @Override
    public String toString() {
        return "ConfluentRestSchemaRegistry[" + baseUrl + (authorization == null ? "" : ", basic auth") + "]";
    }

    /** Settings of a {@link ConfluentRestSchemaRegistry}. */
    public static final class Builder {
        private String baseUrl;
        private String user;
        private String password;
        private SSLContext sslContext;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);

        private Builder(String url) {
            Objects.requireNonNull(url, "schema registry URL");
            URI uri;
            try {
                uri = URI.create(url.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("schema registry URL is not a URL: " + withoutUserInfo(url), e);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new IllegalArgumentException("schema registry URL must be http(s)://host[:port][/path], not "
                        + withoutUserInfo(url));
            }
            if (uri.getRawUserInfo() != null) {
                String userInfo = uri.getUserInfo();
                basicAuthUserInfo(userInfo);
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            this.baseUrl = scheme + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort()) + path;
        }

        private static String withoutUserInfo(String url) {
            return url.replaceFirst("//[^/@]*@", "//***@");
        }

        /** HTTP basic authentication. */
        public Builder basicAuth(String user, String password) {
            this.user = Objects.requireNonNull(user, "user");
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /** HTTP basic authentication from Confluent's {@code basic.auth.user.info} form {@code user:password}. */
        public Builder basicAuthUserInfo(String userInfo) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("basic auth user info must be user:password (the password is missing)");
            }
            return basicAuth(userInfo.substring(0, colon), userInfo.substring(colon + 1));
        }

        /** TLS with this context (trust and, for mutual TLS, key material). */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "sslContext");
            return this;
        }

        /**
         * TLS trusting the certificates in a trust store file.
         *
         * @param type {@code PKCS12} or {@code JKS}; null picks from the file extension ({@code .jks} → JKS)
         */
        public Builder trustStore(Path path, String password, String type) {
            String storeType = type != null ? type
                    : path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
            try (InputStream in = Files.newInputStream(path)) {
                KeyStore store = KeyStore.getInstance(storeType);
                store.load(in, password == null ? null : password.toCharArray());
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(store);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, trust.getTrustManagers(), null);
                return sslContext(context);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot load the schema registry trust store " + path + " (type "
                        + storeType + "): " + e.getMessage() + "; check the path, type and password", e);
            }
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "connectTimeout");
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "requestTimeout");
            return this;
        }

        public ConfluentRestSchemaRegistry build() {
            return new ConfluentRestSchemaRegistry(this);
        }
    }
}
