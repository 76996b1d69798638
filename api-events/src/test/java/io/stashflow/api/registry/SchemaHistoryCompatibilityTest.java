package io.stashflow.api.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stashflow.api.registry.http.SchemaRegistryHttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The build's schema-evolution gate: every current event schema in {@code src/main/avro} must read records written
 * with every earlier version kept in {@code src/main/avro-history/v<N>} (BACKWARD, as the registries enforce), so an
 * incompatible change fails here, in the build, instead of in a consumer. See {@code avro-history/README.md}.
 */
class SchemaHistoryCompatibilityTest {

    static final Path CURRENT = Path.of("src/main/avro");
    static final Path HISTORY = Path.of("src/main/avro-history");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The version folders, v1 first. */
    static List<Path> versions() {
        try (Stream<Path> entries = Files.list(HISTORY)) {
            return entries.filter(Files::isDirectory)
                    .filter(dir -> dir.getFileName().toString().matches("v[1-9][0-9]*"))
                    .sorted((a, b) -> Integer.compare(number(a), number(b)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + HISTORY.toAbsolutePath(), e);
        }
    }

    private static int number(Path version) {
        return Integer.parseInt(version.getFileName().toString().substring(1));
    }

    @TestFactory
    Stream<DynamicTest> everyCurrentSchemaReadsEveryEarlierVersion() {
        Map<String, Schema> current = AvscDirectory.eventSchemas(CURRENT);
        List<DynamicTest> tests = new ArrayList<>();
        for (Path version : versions()) {
            for (Map.Entry<String, Schema> earlier : AvscDirectory.eventSchemas(version).entrySet()) {
                String name = earlier.getKey();
                tests.add(DynamicTest.dynamicTest(name + " reads " + version.getFileName(), () -> {
                    Schema now = current.get(name);
                    if (now == null) {
                        fail(name + " is in " + version + " but no longer in " + CURRENT + ": consumers still meet"
                                + " records of that type; keep the schema (see avro-history/README.md)");
                    }
                    List<String> problems = BackwardCompatibility.problems(now, earlier.getValue());
                    assertTrue(problems.isEmpty(), name + " in " + CURRENT + " cannot read records written with "
                            + version + ": " + String.join("; ", problems)
                            + ". Give new fields defaults and keep old enum symbols (see avro-history/README.md)");
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void theHistoryStartsAtV1AndHasNoGaps() {
        List<Path> versions = versions();
        assertFalse(versions.isEmpty(), "no version folders in " + HISTORY.toAbsolutePath());
        for (int i = 0; i < versions.size(); i++) {
            assertEquals("v" + (i + 1), versions.get(i).getFileName().toString());
            assertFalse(AvscDirectory.eventSchemas(versions.get(i)).isEmpty(), versions.get(i) + " holds no schemas");
        }
    }

    @Test
    void theLatestVersionHoldsEveryEventTypeOfV1() {
        List<Path> versions = versions();
        Map<String, Schema> first = AvscDirectory.eventSchemas(versions.get(0));
        Map<String, Schema> latest = AvscDirectory.eventSchemas(versions.get(versions.size() - 1));
        assertTrue(latest.keySet().containsAll(first.keySet()),
                "event types vanished between v1 and the latest version: " + first.keySet() + " vs " + latest.keySet());
    }

    @Test
    void theCheckFailsNamingTheFieldWhenANewFieldHasNoDefault() {
        Map<String, Schema> v1 = AvscDirectory.eventSchemas(versions().get(0));
        Schema earlier = v1.get("io.stashflow.events.SessionRequested");
        Schema changed = withField(AvscDirectory.eventSchemas(CURRENT).get("io.stashflow.events.SessionRequested"),
                "{\"name\":\"priority\",\"type\":\"int\"}");

        List<String> problems = BackwardCompatibility.problems(changed, earlier);

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("field 'priority' is new and has no default value"), problems.get(0));
    }

    @Test
    void theRegistryEndpointRefusesTheSameChangeWith409LikeConfluent() throws Exception {
        SchemaRegistryHttpServer server = SchemaRegistryHttpServer.start(EmbeddedSchemaRegistry.inMemory(),
                "127.0.0.1", 0);
        try {
            HttpClient http = HttpClient.newHttpClient();
            String subject = "stash.sessions-value";
            Schema v1 = AvscDirectory.eventSchemas(versions().get(0)).get("io.stashflow.events.SessionRequested");
            Schema current = AvscDirectory.eventSchemas(CURRENT).get("io.stashflow.events.SessionRequested");
            Schema changed = withField(current, "{\"name\":\"priority\",\"type\":\"int\"}");

            assertEquals(200, register(http, server, subject, v1).statusCode());
            assertEquals(200, register(http, server, subject, current).statusCode(), "the current schema evolves v1");
            HttpResponse<String> refused = register(http, server, subject, changed);

            assertEquals(409, refused.statusCode(), refused.body());
            assertEquals("application/vnd.schemaregistry.v1+json",
                    refused.headers().firstValue("Content-Type").orElse(""));
            JsonNode body = JSON.readTree(refused.body());
            assertEquals(409, body.get("error_code").asInt());
            String message = body.get("message").asText();
            assertTrue(message.startsWith("Schema being registered is incompatible with an earlier schema for subject"
                    + " \"" + subject + "\""), message);
            assertTrue(message.contains("'priority'"), message);
        } finally {
            server.stop();
        }
    }

    private static HttpResponse<String> register(HttpClient http, SchemaRegistryHttpServer server, String subject,
                                                 Schema schema) throws Exception {
        String body = JSON.createObjectNode().put("schema", schema.toString()).toString();
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/subjects/" + subject + "/versions"))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Schema withField(Schema schema, String fieldJson) {
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(schema.toString());
            ((ArrayNode) json.get("fields")).add(JSON.readTree(fieldJson));
            return SchemaRegistryState.parse(json.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
