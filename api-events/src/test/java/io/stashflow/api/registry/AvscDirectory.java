package io.stashflow.api.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * The schemas of one folder of {@code .avsc} files laid out as {@code src/main/avro}: event types at the top, shared
 * named types in subfolders, referring to each other by name.
 *
 * <p>Files are parsed with one parser, each once its dependencies are known: a file that refers to a type not parsed
 * yet is retried after the others (Avro 1.12's lazy {@code SchemaParser} cannot check an enum default against a type
 * defined in a later file, so it is not used).
 */
public final class AvscDirectory {

    private AvscDirectory() {
    }

    /** The top-level (event) schemas of {@code dir} by full name. */
    public static Map<String, Schema> eventSchemas(Path dir) {
        List<Path> pending;
        try (Stream<Path> files = Files.walk(dir)) {
            pending = new ArrayList<>(files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schemas in " + dir, e);
        }
        Schema.Parser parser = new Schema.Parser();
        Map<String, Schema> events = new TreeMap<>();
        while (!pending.isEmpty()) {
            List<String> failures = new ArrayList<>();
            List<Path> retry = new ArrayList<>();
            for (Path file : pending) {
                try {
                    Schema schema = parser.parse(file.toFile());
                    if (file.getParent().equals(dir)) {
                        events.put(schema.getFullName(), schema);
                    }
                } catch (AvroRuntimeException e) {
                    failures.add(file + ": " + e.getMessage());
                    retry.add(file);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file, e);
                }
            }
            if (retry.size() == pending.size()) {
                throw new IllegalStateException("cannot parse the schemas in " + dir + ": " + failures);
            }
            pending = retry;
        }
        return events;
    }
}
