package io.stashflow.api.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.registry.SchemaRegistryState;
import io.stashflow.api.registry.TestSchemas;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endpoint as any Confluent client sees it: plain HTTP requests, JSON bodies, status codes and media types. */
class SchemaRegistryHttpServerTest {

    private static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.inMemory();
    private final SchemaRegistryHttpServer server = SchemaRegistryHttpServer.start(registry, "127.0.0.1", 0);
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        server.stop();
    }

    private record Answer(int status, String contentType, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private Answer call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .header("Accept", MEDIA_TYPE);
        if (body != null) {
            request.header("Content-Type", MEDIA_TYPE);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static void assertError(Answer answer, int status, int errorCode, String messagePart) throws IOException {
        assertEquals(status, answer.status(), answer.body());
        assertEquals(MEDIA_TYPE, answer.contentType());
        JsonNode body = answer.json();
        assertEquals(errorCode, body.get("error_code").asInt(), answer.body());
        assertTrue(body.get("message").asText().contains(messagePart), answer.body());
        assertEquals(2, body.size(), "an error body has error_code and message only: " + answer.body());
    }

    @Test
    void registerAnswersTheIdAndIsIdempotent() throws Exception {
        Answer first = call("POST", "/subjects/orders-value/versions", schemaBody(TestSchemas.orderV1()));
        assertEquals(200, first.status(), first.body());
        assertEquals(MEDIA_TYPE, first.contentType());
        int id = first.json().get("id").asInt();
        assertEquals("{\"id\":" + id + "}", first.body());
        assertEquals(first.body(), call("POST", "/subjects/orders-value/versions",
                schemaBody(TestSchemas.orderV1())).body());
        assertEquals(id, registry.lookup("orders-value", TestSchemas.orderV1()).orElseThrow().id());
    }

    @Test
    void registerAcceptsAnExplicitAvroTypeAndRefusesOthers() throws Exception {
        String avro = JSON.createObjectNode().put("schema", TestSchemas.orderV1().toString())
                .put("schemaType", "AVRO").toString();
        assertEquals(200, call("POST", "/subjects/orders-value/versions", avro).status());
        String protobuf = JSON.createObjectNode().put("schema", "syntax = \"proto3\";")
                .put("schemaType", "PROTOBUF").toString();
        assertError(call("POST", "/subjects/orders-value/versions", protobuf), 422, 42201, "PROTOBUF");
    }

    @Test
    void anInvalidSchemaIs42201() throws Exception {
        assertError(call("POST", "/subjects/orders-value/versions", "{\"schema\":\"{\\\"type\\\":\\\"record\\\"}\"}"),
                422, 42201, "Invalid schema");
        assertError(call("POST", "/subjects/orders-value/versions", "{\"schema\":42}"), 422, 42201, "\"schema\"");
        assertError(call("POST", "/subjects/orders-value/versions", "not json"), 400, 400, "not JSON");
    }

    @Test
    void anIncompatibleSchemaIs409NamingTheField() throws Exception {
        call("POST", "/subjects/orders-value/versions", schemaBody(TestSchemas.orderV1()));
        Answer refused = call("POST", "/subjects/orders-value/versions",
                schemaBody(TestSchemas.orderWithRequiredPriority()));
        assertError(refused, 409, 409, "Schema being registered is incompatible with an earlier schema for subject"
                + " \"orders-value\"");
        assertTrue(refused.json().get("message").asText().contains("'priority'"), refused.body());
    }

    @Test
    void schemaByIdAnswersTheSchemaAsAString() throws Exception {
        int id = registry.register("orders-value", TestSchemas.orderV1());
        Answer answer = call("GET", "/schemas/ids/" + id, null);
        assertEquals(200, answer.status());
        assertEquals(MEDIA_TYPE, answer.contentType());
        assertEquals(1, answer.json().size(), "no schemaType for Avro: " + answer.body());
        assertEquals(TestSchemas.orderV1(), SchemaRegistryState.parse(answer.json().get("schema").asText()));

        Answer raw = call("GET", "/schemas/ids/" + id + "/schema", null);
        assertEquals(TestSchemas.orderV1(), SchemaRegistryState.parse(raw.body()));

        registry.register("copies-value", TestSchemas.orderV1());
        Answer versions = call("GET", "/schemas/ids/" + id + "/versions", null);
        assertEquals("[{\"subject\":\"copies-value\",\"version\":1},{\"subject\":\"orders-value\",\"version\":1}]",
                versions.body());
    }

    @Test
    void anUnknownSchemaIdIs40403() throws Exception {
        assertError(call("GET", "/schemas/ids/77", null), 404, 40403, "Schema 77 not found");
        assertError(call("GET", "/schemas/ids/abc", null), 404, 40403, "not found");
    }

    @Test
    void lookupAnswersSubjectIdVersionAndSchema() throws Exception {
        registry.register("orders-value", TestSchemas.orderV1());
        int id = registry.register("orders-value", TestSchemas.orderV2());
        Answer answer = call("POST", "/subjects/orders-value", schemaBody(TestSchemas.orderV2()));
        assertEquals(200, answer.status(), answer.body());
        JsonNode json = answer.json();
        assertEquals("orders-value", json.get("subject").asText());
        assertEquals(2, json.get("version").asInt());
        assertEquals(id, json.get("id").asInt());
        assertEquals(TestSchemas.orderV2(), SchemaRegistryState.parse(json.get("schema").asText()));
    }

    @Test
    void lookupDistinguishesAnUnknownSubjectFromAnUnknownSchema() throws Exception {
        assertError(call("POST", "/subjects/orders-value", schemaBody(TestSchemas.orderV1())), 404, 40401,
                "Subject 'orders-value' not found");
        registry.register("orders-value", TestSchemas.orderV1());
        assertError(call("POST", "/subjects/orders-value", schemaBody(TestSchemas.customer(1))), 404, 40403,
                "Schema not found");
    }

    @Test
    void versionsByNumberAndLatest() throws Exception {
        int v1 = registry.register("orders-value", TestSchemas.orderV1());
        int v2 = registry.register("orders-value", TestSchemas.orderV2());
        assertEquals("[1,2]", call("GET", "/subjects/orders-value/versions", null).body());
        JsonNode latest = call("GET", "/subjects/orders-value/versions/latest", null).json();
        assertEquals(2, latest.get("version").asInt());
        assertEquals(v2, latest.get("id").asInt());
        assertEquals("orders-value", latest.get("subject").asText());
        JsonNode first = call("GET", "/subjects/orders-value/versions/1", null).json();
        assertEquals(v1, first.get("id").asInt());
        assertEquals(TestSchemas.orderV1(), SchemaRegistryState.parse(first.get("schema").asText()));
        assertEquals(TestSchemas.orderV2(),
                SchemaRegistryState.parse(call("GET", "/subjects/orders-value/versions/latest/schema", null).body()));
    }

    @Test
    void unknownSubjectsVersionsAndBadVersionsCarryConfluentCodes() throws Exception {
        assertError(call("GET", "/subjects/nope-value/versions", null), 404, 40401, "Subject 'nope-value' not found");
        assertError(call("GET", "/subjects/nope-value/versions/latest", null), 404, 40401, "not found");
        registry.register("orders-value", TestSchemas.orderV1());
        assertError(call("GET", "/subjects/orders-value/versions/5", null), 404, 40402, "Version 5 not found");
        assertError(call("GET", "/subjects/orders-value/versions/first", null), 422, 42202, "not a valid version");
        assertError(call("GET", "/subjects/orders-value/versions/0", null), 422, 42202, "not a valid version");
    }

    @Test
    void subjectsListsSubjects() throws Exception {
        assertEquals("[]", call("GET", "/subjects", null).body());
        registry.register("orders-value", TestSchemas.orderV1());
        registry.register("a/b c-value", TestSchemas.orderV1());
        Answer answer = call("GET", "/subjects", null);
        assertEquals(MEDIA_TYPE, answer.contentType());
        assertEquals("[\"a/b c-value\",\"orders-value\"]", answer.body());
        assertEquals("[1]", call("GET", "/subjects/a%2Fb%20c-value/versions", null).body());
    }

    @Test
    void compatibilityAgainstLatestAndAGivenVersion() throws Exception {
        assertEquals("{\"is_compatible\":true}", call("POST", "/compatibility/subjects/orders-value/versions/latest",
                schemaBody(TestSchemas.orderWithRequiredPriority())).body(), "no versions yet: anything goes");
        registry.register("orders-value", TestSchemas.orderV1());
        Answer compatible = call("POST", "/compatibility/subjects/orders-value/versions/latest",
                schemaBody(TestSchemas.orderV2()));
        assertEquals(200, compatible.status());
        assertEquals(MEDIA_TYPE, compatible.contentType());
        assertEquals("{\"is_compatible\":true}", compatible.body());
        assertEquals("{\"is_compatible\":false}", call("POST", "/compatibility/subjects/orders-value/versions/1",
                schemaBody(TestSchemas.orderWithRequiredPriority())).body());
        JsonNode verbose = call("POST", "/compatibility/subjects/orders-value/versions/latest?verbose=true",
                schemaBody(TestSchemas.orderWithRequiredPriority())).json();
        assertFalse(verbose.get("is_compatible").asBoolean());
        assertTrue(verbose.get("messages").get(0).asText().contains("'priority'"), verbose.toString());
    }

    @Test
    void rootAndConfig() throws Exception {
        Answer root = call("GET", "/", null);
        assertEquals(200, root.status());
        assertEquals("{}", root.body());
        Answer config = call("GET", "/config", null);
        assertEquals(MEDIA_TYPE, config.contentType());
        assertEquals("{\"compatibilityLevel\":\"BACKWARD\"}", config.body());
        assertEquals("{\"compatibilityLevel\":\"BACKWARD\"}", call("GET", "/config/orders-value", null).body());
        assertEquals("[\"AVRO\"]", call("GET", "/schemas/types", null).body());
    }

    @Test
    void unknownRoutesAre404AndWrongMethods405() throws Exception {
        assertError(call("GET", "/nothing/here", null), 404, 404, "HTTP 404 Not Found");
        assertError(call("GET", "/subjects/orders-value/versions/1/extra", null), 404, 404, "Not Found");
        assertError(call("DELETE", "/subjects/orders-value", null), 405, 405, "Method Not Allowed");
        assertError(call("PUT", "/config", "{\"compatibility\":\"NONE\"}"), 405, 405, "Method Not Allowed");
        assertError(call("GET", "/compatibility/subjects/orders-value/versions/latest", null), 405, 405,
                "Method Not Allowed");
    }

    @Test
    void aTakenPortIsReportedWithThePortAndTheOption() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SchemaRegistryHttpServer.start(
                registry, new InetSocketAddress("127.0.0.1", server.port()), "--schema-registry-port"));
        assertTrue(e.getMessage().contains("127.0.0.1:" + server.port()), e.getMessage());
        assertTrue(e.getMessage().contains("already in use"), e.getMessage());
        assertTrue(e.getMessage().contains("--schema-registry-port"), e.getMessage());
    }

    @Test
    void stopFreesThePort() {
        int port = server.port();
        server.stop();
        SchemaRegistryHttpServer again = SchemaRegistryHttpServer.start(registry, "127.0.0.1", port);
        try {
            assertEquals(port, again.port());
        } finally {
            again.stop();
        }
    }
}
