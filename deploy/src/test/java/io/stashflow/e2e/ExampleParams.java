package io.stashflow.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Changes what a user changes in an example to point it at their own server: the values of {@code spec.task.params}
 * of one resource. Nothing else of the file is touched (comments are lost, as the file is re-serialised); a param the
 * example does not have is an error, so an example that drops a documented param fails the test that relies on it.
 */
final class ExampleParams {

    private static final YAMLMapper YAML = new YAMLMapper();

    private ExampleParams() {
    }

    static void set(Path file, String kind, String name, Map<String, String> values) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
        }
        Set<String> changed = new HashSet<>();
        boolean found = false;
        for (JsonNode document : documents) {
            if (!kind.equals(document.path("kind").asText()) || !name.equals(document.path("metadata").path("name")
                    .asText())) {
                continue;
            }
            found = true;
            JsonNode params = document.path("spec").path("task").path("params");
            if (params instanceof ArrayNode list) {
                for (JsonNode param : list) {
                    String key = param.path("name").asText();
                    if (values.containsKey(key)) {
                        ((ObjectNode) param).put("value", values.get(key));
                        changed.add(key);
                    }
                }
            }
        }
        if (!found) {
            throw new IllegalArgumentException(file + " has no " + kind + " " + name);
        }
        if (!changed.equals(values.keySet())) {
            Set<String> missing = new HashSet<>(values.keySet());
            missing.removeAll(changed);
            throw new IllegalArgumentException(kind + " " + name + " in " + file + " has no spec.task.params "
                    + missing);
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode document : documents) {
            text.append(YAML.writeValueAsString(document)); // each starts with "---"
        }
        Files.writeString(file, text);
    }
}
