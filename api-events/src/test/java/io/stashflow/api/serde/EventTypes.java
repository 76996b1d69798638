package io.stashflow.api.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;

/**
 * The event types, discovered from the top-level {@code .avsc} files of {@code src/main/avro} (shared types live in
 * subfolders), so that a new event schema is covered by the round-trip tests without anyone listing it.
 */
final class EventTypes {

    static final Path AVRO_SOURCES = Path.of("src/main/avro");

    private EventTypes() {
    }

    /** The generated class of every top-level schema file; fails when a schema has no generated class. */
    static List<Class<? extends SpecificRecord>> all() {
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.list(AVRO_SOURCES)) {
            List<Class<? extends SpecificRecord>> types = files
                    .filter(file -> file.getFileName().toString().endsWith(".avsc"))
                    .sorted()
                    .<Class<? extends SpecificRecord>>map(file -> generatedClass(json, file))
                    .toList();
            if (types.isEmpty()) {
                throw new IllegalStateException("no event schemas found in " + AVRO_SOURCES.toAbsolutePath());
            }
            return types;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Class<? extends SpecificRecord> generatedClass(ObjectMapper json, Path file) {
        try {
            JsonNode schema = json.readTree(file.toFile());
            String name = schema.path("name").asText();
            String namespace = schema.path("namespace").asText();
            String fullName = name.contains(".") || namespace.isEmpty() ? name : namespace + "." + name;
            return Class.forName(fullName).asSubclass(SpecificRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new IllegalStateException("schema file " + file + " has no generated SpecificRecord class: " + e, e);
        }
    }
}
