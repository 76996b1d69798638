package io.stashflow.planner.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generated bench worlds parse, and their definitions carry the cluster in key and value. */
class BenchDefinitionsTest {

    private static Path catalog() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("shared").resolve("conformance").resolve("stash-catalog");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        return fail("no shared/conformance/stash-catalog above " + Path.of("").toAbsolutePath());
    }

    @Test
    void aWorldOfOneClusterHasTheCatalogTaskAndEveryConfigurationWithItsSchedule() throws Exception {
        List<BenchDefinitions.Keyed> definitions = BenchDefinitions.of(catalog(), "fleet-7",
                BenchDefinitions.postgresWorld(7, 3, "5 4 * * *"), Instant.EPOCH);
        List<BenchDefinitions.Keyed> configs = definitions.stream()
                .filter(d -> d.definition().getKind().equals("BackupConfiguration")).toList();
        assertEquals(7, configs.size());
        assertEquals(3, definitions.stream().filter(d -> d.definition().getKind().equals("Repository")).count());
        assertEquals(1, definitions.stream().filter(d -> d.definition().getKind().equals("Task")).count());
        assertTrue(definitions.stream().allMatch(d -> d.key().startsWith("fleet-7/")
                && d.definition().getCluster().equals("fleet-7")));
        BenchDefinitions.Keyed fifth = configs.stream()
                .filter(d -> d.definition().getName().equals(BenchDefinitions.configName(5))).findFirst().orElseThrow();
        assertEquals(BenchDefinitions.namespace(5, 3), fifth.definition().getNamespace());
        assertEquals("bench-2", fifth.definition().getNamespace());
        assertTrue(fifth.definition().getDocument().contains("5 4 * * *"), fifth.definition().getDocument());
    }
}
