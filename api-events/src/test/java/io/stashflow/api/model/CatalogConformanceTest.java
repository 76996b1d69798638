package io.stashflow.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rendered catalog Function and Task of Stash reads unchanged, without warnings. */
class CatalogConformanceTest {

    private static final StashResourceReader READER = ModelFixtures.READER;

    static List<Path> catalogFiles() throws IOException {
        try (Stream<Path> files = Files.list(ModelFixtures.stashCatalog())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void theCatalogHasAllItsRenderedFiles() throws IOException {
        // 8 addons with backup/restore x function/task, plus kubedump's backup pair (reference §5.2)
        assertEquals(34, catalogFiles().size());
    }

    @ParameterizedTest
    @MethodSource("catalogFiles")
    void readsWithoutWarningsAndMatchesItsFileName(Path file) {
        List<ParsedResource> parsed = READER.read(file);

        assertEquals(1, parsed.size());
        ParsedResource resource = parsed.get(0);
        assertEquals(List.of(), resource.warnings());
        // files are named <addon>-<backup|restore>-<function|task>.yaml, resources <addon>-<backup|restore>-<version>
        String fileName = file.getFileName().toString();
        String stem = fileName.substring(0, fileName.length() - ".yaml".length());
        String role = stem.substring(0, stem.lastIndexOf('-'));
        assertTrue(resource.resource().name().startsWith(role + "-"), resource.resource().name());
        assertNull(resource.resource().namespace());
        assertEquals("stash.appscode.com/v1beta1", resource.resource().apiVersion());

        if (stem.endsWith("-function")) {
            assertEquals(StashKind.FUNCTION, resource.kind());
            FunctionSpec spec = resource.as(Function.class).spec();
            // reference §5.3: a single args list, no command, an image of the stashed organisation
            assertTrue(spec.image().startsWith("ghcr.io/stashed/"), spec.image());
            assertEquals(List.of(), spec.command());
            assertFalse(spec.args().isEmpty());
            assertTrue(spec.args().contains("--provider=${REPOSITORY_PROVIDER:=}"), spec.args().toString());
        } else {
            assertEquals(StashKind.TASK, resource.kind());
            TaskSpec spec = resource.as(Task.class).spec();
            // reference §5.3: [<addon fn>, update-status], both with outputDir, no volumes
            assertEquals(2, spec.steps().size());
            assertEquals(resource.resource().name(), spec.steps().get(0).name());
            assertEquals("update-status", spec.steps().get(1).name());
            for (FunctionRef step : spec.steps()) {
                assertEquals(List.of(new Param("outputDir", "/stash-tmp/output")), step.params());
            }
            assertEquals(List.of(), spec.volumes());
        }
    }

    @Test
    void mysqlBackupFunctionKeepsEveryArgumentInOrder() {
        Function function = READER.read(ModelFixtures.stashCatalog().resolve("mysql-backup-function.yaml"))
                .get(0).as(Function.class);

        assertEquals("mysql-backup-8.0.21", function.name());
        assertEquals("ghcr.io/stashed/stash-mysql:8.0.21-v32", function.spec().image());
        List<String> args = function.spec().args();
        assertEquals(31, args.size());
        assertEquals("backup-mysql", args.get(0));
        assertEquals("--mysql-args=${args:=--all-databases}", args.get(13));
        assertEquals("--license-apiservice=${LICENSE_APISERVICE:=}", args.get(30));
        assertNull(function.spec().workingDir());
        assertNull(function.spec().runtimeSettings());
    }

    @Test
    void postgresBackupTaskNamesItsFunctionAndUpdateStatus() {
        Task task = READER.read(ModelFixtures.stashCatalog().resolve("postgres-backup-task.yaml")).get(0).as(Task.class);

        assertEquals("postgres-backup-16.1", task.name());
        assertEquals(List.of("postgres-backup-16.1", "update-status"),
                task.spec().steps().stream().map(FunctionRef::name).toList());
    }

    @Test
    void restoreFunctionsReadTheRestoreVariables() {
        Function function = READER.read(ModelFixtures.stashCatalog().resolve("postgres-restore-function.yaml"))
                .get(0).as(Function.class);

        assertEquals("postgres-restore-16.1", function.name());
        assertTrue(function.spec().args().stream().anyMatch(a -> a.contains("${RESTORE_SNAPSHOTS")), function.spec().args().toString());
        assertTrue(function.spec().args().stream().anyMatch(a -> a.contains("${SOURCE_HOSTNAME")), function.spec().args().toString());
    }

    @Test
    void kubedumpHasOnlyABackupPair() {
        Task task = READER.read(ModelFixtures.stashCatalog().resolve("kubedump-backup-task.yaml")).get(0).as(Task.class);
        Function function = READER.read(ModelFixtures.stashCatalog().resolve("kubedump-backup-function.yaml"))
                .get(0).as(Function.class);

        assertEquals("kubedump-backup-0.2.0", task.name());
        assertEquals(task.spec().steps().get(0).name(), function.name());
        assertTrue(function.spec().args().stream().anyMatch(a -> a.contains("${sanitize")), function.spec().args().toString());
        assertFalse(Files.exists(ModelFixtures.stashCatalog().resolve("kubedump-restore-task.yaml")));
    }
}
