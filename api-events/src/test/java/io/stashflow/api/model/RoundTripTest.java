package io.stashflow.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Writing a record and reading it back gives an equal record; for plain documents, the very same JSON. */
class RoundTripTest {

    private static final StashResourceReader READER = ModelFixtures.READER;

    static List<Path> fixtures() {
        return ModelFixtures.allFixtures();
    }

    static List<Path> catalogFiles() throws IOException {
        return CatalogConformanceTest.catalogFiles();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void treeRoundTripGivesEqualRecords(Path fixture) {
        for (ParsedResource parsed : READER.read(fixture)) {
            JsonNode tree = READER.toTree(parsed.resource());
            ParsedResource again = READER.readDocument(tree, "round trip of " + fixture.getFileName());

            assertEquals(parsed.resource(), again.resource());
            assertEquals(List.of(), again.warnings());
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void jsonTextRoundTripGivesEqualRecords(Path fixture) {
        List<ParsedResource> parsed = READER.read(fixture);
        for (ParsedResource resource : parsed) {
            String json = READER.toJson(resource.resource());

            assertEquals(List.of(resource.resource()),
                    READER.read(json, fixture.getFileName() + ".json").stream().map(ParsedResource::resource).toList());
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void writtenTreeMatchesTheFixtureDocument(Path fixture) {
        // the fixtures hold only known fields, no empty lists and no defaults, so nothing is added or lost
        for (ParsedResource parsed : READER.read(fixture)) {
            JsonNode written = READER.toTree(parsed.resource());
            assertTrue(parsed.document().equals(SAME_NUMBER, written),
                    () -> parsed.resource().name() + ":\n" + parsed.document() + "\n" + written);
        }
    }

    /** YAML reads 3 as an int node; a Long field writes it as a long node. Same value, same JSON. */
    private static final Comparator<JsonNode> SAME_NUMBER = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    @ParameterizedTest
    @MethodSource("catalogFiles")
    void catalogDocumentsAreWrittenBackUnchanged(Path file) {
        ParsedResource parsed = READER.read(file).get(0);

        assertEquals(parsed.document(), READER.toTree(parsed.resource()));
    }

    @org.junit.jupiter.api.Test
    void absentAndEmptyFieldsAreOmitted() {
        Function function = new Function("stash.appscode.com/v1beta1", "Function",
                new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("fn").build(),
                new FunctionSpec("busybox", null, List.of(), null, null, null, null, null, null));

        JsonNode tree = READER.toTree(function);

        assertEquals("{\"apiVersion\":\"stash.appscode.com/v1beta1\",\"kind\":\"Function\",\"metadata\":{\"name\":\"fn\"},"
                + "\"spec\":{\"image\":\"busybox\"}}", READER.toJson(function));
        assertFalse(tree.path("spec").has("args"));
    }
}
