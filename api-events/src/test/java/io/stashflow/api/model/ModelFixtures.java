package io.stashflow.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Locates the hand-written fixtures and the shared conformance data, and reads them. */
final class ModelFixtures {

    static final StashResourceReader READER = new StashResourceReader();

    private ModelFixtures() {
    }

    /** A fixture under {@code src/test/resources/model}. */
    static Path fixture(String fileName) {
        URL url = ModelFixtures.class.getResource("/model/" + fileName);
        assertNotNull(url, "missing test resource model/" + fileName);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every YAML fixture under {@code src/test/resources/model}. */
    static List<Path> allFixtures() {
        Path directory = fixture("function-full.yaml").getParent();
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a fixture that holds exactly one resource of the given type, asserting it produced no warnings. */
    static <T extends StashResource> T readSingle(String fileName, Class<T> type) {
        List<ParsedResource> parsed = READER.read(fixture(fileName));
        assertEquals(1, parsed.size(), fileName + " documents");
        assertEquals(List.of(), parsed.get(0).warnings(), fileName + " warnings");
        return parsed.get(0).as(type);
    }

    /**
     * {@code shared/conformance/stash-catalog}, found by walking up from the working directory to the directory
     * that holds {@code shared/conformance} beside the repository. Fails (never skips) when it is not there,
     * because CI always has it.
     */
    static Path stashCatalog() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path catalog = dir.resolve("shared").resolve("conformance").resolve("stash-catalog");
            if (Files.isDirectory(catalog)) {
                return catalog;
            }
        }
        throw new AssertionError("shared/conformance/stash-catalog not found in " + start + " or any parent directory;"
                + " the conformance data must sit beside the repository as ../shared");
    }
}
