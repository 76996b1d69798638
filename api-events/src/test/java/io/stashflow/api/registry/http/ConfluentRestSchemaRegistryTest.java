package io.stashflow.api.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.stashflow.api.registry.RegisteredSchema;
import io.stashflow.api.registry.SchemaRegistryException;
import io.stashflow.api.registry.TestSchemas;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The REST client against a scripted fake registry that records every request: what the client sends (paths,
 * headers, bodies) and how it treats answers (errors, caching).
 */
class ConfluentRestSchemaRegistryTest {

    private static final String SECRET = "s3cr3t-pa55";

    private record Request(String method, String rawPath, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }
    }

    private record Scripted(int status, String contentType, String body) {
    }

    private HttpServer fake;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Scripted> answers = new ConcurrentHashMap<>();

    @BeforeEach
    void startFake() throws IOException {
        fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.createContext("/", this::answer);
        fake.start();
    }

    @AfterEach
    void stopFake() {
        fake.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String rawPath = exchange.getRequestURI().getRawPath();
        requests.add(new Request(exchange.getRequestMethod(), rawPath, Map.copyOf(exchange.getRequestHeaders()), body));
        Scripted scripted = answers.getOrDefault(exchange.getRequestMethod() + " " + rawPath,
                new Scripted(404, "application/vnd.schemaregistry.v1+json",
                        "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}"));
        byte[] bytes = scripted.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", scripted.contentType());
        exchange.sendResponseHeaders(scripted.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void script(String methodAndPath, int status, String body) {
        answers.put(methodAndPath, new Scripted(status, "application/vnd.schemaregistry.v1+json", body));
    }

    private String url(String path) {
        return "http://127.0.0.1:" + fake.getAddress().getPort() + path;
    }

    private static String quoted(String text) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(text).toString();
    }

    @Test
    void registerPostsTheSchemaWithConfluentsMediaType() {
        script("POST /subjects/orders-value/versions", 200, "{\"id\":7}");
        ConfluentRestSchemaRegistry client = ConfluentRestSchemaRegistry.of(url(""));

        assertEquals(7, client.register("orders-value", TestSchemas.orderV1()));

        Request request = requests.get(0);
        assertEquals("POST", request.method());
        assertEquals("application/vnd.schemaregistry.v1+json", request.header("Content-type"));
        assertTrue(request.header("Accept").startsWith("application/vnd.schemaregistry.v1+json"), request.header("Accept"));
        assertEquals("{\"schema\":" + quoted(TestSchemas.orderV1().toString()) + "}", request.body(),
                "only the schema: no schemaType for Avro");
        assertEquals(null, request.header("Authorization"));
    }

    @Test
    void basicAuthIsSentAndThePasswordNeverShowsInErrors() {
        script("GET /subjects", 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
        ConfluentRestSchemaRegistry client = ConfluentRestSchemaRegistry.builder(url(""))
                .basicAuth("stash", SECRET).build();

        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, client::subjects);

        String expected = "Basic " + Base64.getEncoder().encodeToString(("stash:" + SECRET).getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, requests.get(0).header("Authorization"));
        assertEquals(401, e.httpStatus());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        assertFalse(client.toString().contains(SECRET), client.toString());
        assertTrue(e.getMessage().contains("credentials"), e.getMessage());
    }

    @Test
    void credentialsInTheUrlBecomeBasicAuthAndLeaveTheUrl() {
        script("GET /subjects", 200, "[]");
        ConfluentRestSchemaRegistry client = ConfluentRestSchemaRegistry.of(
                "http://stash:" + SECRET + "@127.0.0.1:" + fake.getAddress().getPort());

        assertEquals(List.of(), client.subjects());

        String expected = "Basic " + Base64.getEncoder().encodeToString(("stash:" + SECRET).getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, requests.get(0).header("Authorization"));
        assertFalse(client.baseUrl().contains(SECRET), client.baseUrl());
    }

    @Test
    void theErrorBodyIsInTheExceptionMessage() {
        script("POST /subjects/orders-value/versions", 409, "{\"error_code\":409,\"message\":\"Schema being registered"
                + " is incompatible with an earlier schema for subject \\\"orders-value\\\"\"}");
        ConfluentRestSchemaRegistry client = ConfluentRestSchemaRegistry.of(url(""));

        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> client.register("orders-value", TestSchemas.orderV1()));

        assertEquals(409, e.httpStatus());
        assertEquals(409, e.errorCode());
        assertTrue(e.getMessage().contains("HTTP 409"), e.getMessage());
        assertTrue(e.getMessage().contains("error_code 409"), e.getMessage());
        assertTrue(e.getMessage().contains("incompatible with an earlier schema for subject \"orders-value\""),
                e.getMessage());
        assertTrue(e.getMessage().contains(url("")), "names the registry: " + e.getMessage());
    }

    @Test
    void aBodyThatIsNotJsonIsQuotedInTheError() {
        answers.put("GET /subjects", new Scripted(502, "text/html", "<html>bad gateway</html>"));
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> ConfluentRestSchemaRegistry.of(url("")).subjects());
        assertEquals(502, e.httpStatus());
        assertEquals(0, e.errorCode());
        assertTrue(e.getMessage().contains("<html>bad gateway</html>"), e.getMessage());
    }

    @Test
    void aPlain404HintsAtTheApiPathAndARedirectIsNotFollowed() {
        ConfluentRestSchemaRegistry client = ConfluentRestSchemaRegistry.builder(url("/apis/registry/v2"))
                .basicAuth("stash", SECRET).build();
        SchemaRegistryException notFound = assertThrows(SchemaRegistryException.class, client::subjects);
        assertEquals(404, notFound.httpStatus());
        assertTrue(notFound.getMessage().contains("/apis/ccompat/v7"), notFound.getMessage());

        fake.removeContext("/");
        fake.createContext("/", exchange -> {
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    Map.copyOf(exchange.getRequestHeaders()), ""));
            exchange.getResponseHeaders().set("Location", "http://elsewhere.invalid/subjects");
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        requests.clear();
        SchemaRegistryException redirect = assertThrows(SchemaRegistryException.class,
                () -> ConfluentRestSchemaRegistry.builder(url("")).basicAuth("stash", SECRET).build().subjects());
        assertEquals(307, redirect.httpStatus());
        assertTrue(redirect.getMessage().contains("redirected to http://elsewhere.invalid/subjects"),
                redirect.getMessage());
        assertEquals(1, requests.size(), "the redirect was not followed");
    }

    @Test
    void anUnreachableRegistryHasStatusZeroAndSaysWhere() throws IOException {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> ConfluentRestSchemaRegistry.of("http://127.0.0.1:" + freePort).byId(1));
        assertEquals(0, e.httpStatus());
        assertTrue(e.getMessage().contains("Cannot reach the schema registry at http://127.0.0.1:" + freePort),
                e.getMessage());
    }

    @Test
    void schemasByIdAreCachedSoTheSecondCallSendsNothing() {
        script("GET /schemas/ids/3", 200, "{\"schema\":" + quoted(TestSchemas.orderV1().toString()) + "}");
        ConfluentRestSchemaRegistry client = ConfluentRestSchemaRegistry.of(url(""));

        assertEquals(TestSchemas.orderV1(), client.byId(3));
        assertEquals(TestSchemas.orderV1(), client.byId(3));

        assertEquals(1, requests.size());
    }

    @Test
    void registeredIdsAreCachedPerSubjectAndSchema() {
        script("POST /subjects/orders-value/versions", 200, "{\"id\":4}");
        script("POST /subjects/copies-value/versions", 200, "{\"id\":4}");
        ConfluentRestSchemaRegistry client = ConfluentRestSchemaRegistry.of(url(""));

        client.register("orders-value", TestSchemas.orderV1());
        client.register("orders-value", TestSchemas.orderV1());
        client.register("copies-value", TestSchemas.orderV1());
        assertEquals(TestSchemas.orderV1(), client.byId(4), "a registered schema is known by its id");

        assertEquals(2, requests.size(), "one request per subject: " + requests);
    }

    @Test
    void aPathPrefixIsKeptAndSubjectsAreEncoded() {
        script("GET /apis/ccompat/v7/subjects/team%20a%2Forders%2Bv1-value/versions", 200, "[2,1]");
        ConfluentRestSchemaRegistry client = ConfluentRestSchemaRegistry.of(url("/apis/ccompat/v7/"));

        assertEquals(List.of(1, 2), client.versions("team a/orders+v1-value"));
        assertEquals("/apis/ccompat/v7/subjects/team%20a%2Forders%2Bv1-value/versions", requests.get(0).rawPath());
    }

    @Test
    void lookupAndLatestParseConfluentsShape() {
        String registered = "{\"subject\":\"orders-value\",\"version\":2,\"id\":9,\"schema\":"
                + quoted(TestSchemas.orderV2().toString()) + "}";
        script("POST /subjects/orders-value", 200, registered);
        script("GET /subjects/orders-value/versions/latest", 200, registered);
        script("GET /subjects/orders-value/versions/2", 200, registered);
        ConfluentRestSchemaRegistry client = ConfluentRestSchemaRegistry.of(url(""));
        RegisteredSchema expected = new RegisteredSchema("orders-value", 2, 9, TestSchemas.orderV2());

        assertEquals(Optional.of(expected), client.lookup("orders-value", TestSchemas.orderV2()));
        assertEquals(Optional.of(expected), client.latest("orders-value"));
        assertEquals(expected, client.version("orders-value", 2));
        assertEquals("{\"schema\":" + quoted(TestSchemas.orderV2().toString()) + "}", requests.get(0).body());
    }

    @Test
    void notFoundAnswersBecomeEmptyWhereThePortSaysSo() {
        script("POST /subjects/orders-value", 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        script("GET /subjects/orders-value/versions/latest", 404,
                "{\"error_code\":40401,\"message\":\"Subject 'orders-value' not found.\"}");
        ConfluentRestSchemaRegistry client = ConfluentRestSchemaRegistry.of(url(""));

        assertEquals(Optional.empty(), client.lookup("orders-value", TestSchemas.orderV1()));
        assertEquals(Optional.empty(), client.latest("orders-value"));
    }

    @Test
    void compatibilityOfAMissingSubjectIsTrueAsInNewerConfluentVersions() {
        script("POST /compatibility/subjects/new-value/versions/latest", 404,
                "{\"error_code\":40401,\"message\":\"Subject 'new-value' not found.\"}");
        script("POST /compatibility/subjects/orders-value/versions/latest", 200, "{\"is_compatible\":false}");
        ConfluentRestSchemaRegistry client = ConfluentRestSchemaRegistry.of(url(""));

        assertTrue(client.isCompatible("new-value", TestSchemas.orderV1()));
        assertFalse(client.isCompatible("orders-value", TestSchemas.orderV1()));
    }

    @Test
    void aNonAvroSchemaIsRefused() {
        script("GET /schemas/ids/5", 200, "{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\"}");
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> ConfluentRestSchemaRegistry.of(url("")).byId(5));
        assertTrue(e.getMessage().contains("PROTOBUF"), e.getMessage());
    }

    @Test
    void aMalformedAnswerIsReported() {
        script("POST /subjects/orders-value/versions", 200, "{\"identifier\":7}");
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> ConfluentRestSchemaRegistry.of(url("")).register("orders-value", TestSchemas.orderV1()));
        assertTrue(e.getMessage().contains("no integer \"id\""), e.getMessage());
    }

    @Test
    void badUrlsAndUserInfoAreRefusedWithoutEchoingThePassword() {
        IllegalArgumentException scheme = assertThrows(IllegalArgumentException.class,
                () -> ConfluentRestSchemaRegistry.of("ftp://user:" + SECRET + "@host"));
        assertFalse(scheme.getMessage().contains(SECRET), scheme.getMessage());
        IllegalArgumentException userInfo = assertThrows(IllegalArgumentException.class,
                () -> ConfluentRestSchemaRegistry.builder(url("")).basicAuthUserInfo("no-colon"));
        assertTrue(userInfo.getMessage().contains("user:password"), userInfo.getMessage());
    }
}
