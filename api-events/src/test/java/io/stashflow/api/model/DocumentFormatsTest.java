package io.stashflow.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multi-document YAML, JSON input, empty documents, trees, and concurrent use. */
class DocumentFormatsTest {

    private static final StashResourceReader READER = ModelFixtures.READER;

    @Test
    void multiDocumentYamlSkipsEmptyDocumentsButCountsThem() {
        String yaml = """
                ---
                # a comment-only document
                ---
                apiVersion: stash.appscode.com/v1beta1
                kind: Function
                metadata: {name: fn}
                spec: {image: busybox}
                ---
                ---
                apiVersion: stash.appscode.com/v1beta1
                kind: Task
                metadata: {name: task}
                spec:
                  steps: [{name: fn}]
                ---
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupConfiguration
                metadata: {name: bc, namespace: demo}
                spec:
                  paused: maybe
                """;
        String message = assertThrows(ResourceParseException.class, () -> READER.read(yaml, "all.yaml")).getMessage();
        List<ParsedResource> parsed = READER.read(yaml.substring(0, yaml.lastIndexOf("---")), "all.yaml");

        assertEquals(List.of(StashKind.FUNCTION, StashKind.TASK), parsed.stream().map(ParsedResource::kind).toList());
        assertEquals(List.of("fn", "task"), parsed.stream().map(p -> p.resource().name()).toList());
        // documents are numbered as the user counts them, empty ones included
        assertTrue(message.startsWith("all.yaml (document 5): BackupConfiguration demo/bc: spec.paused:"), message);
    }

    @Test
    void emptyInputHasNoResources() {
        assertEquals(List.of(), READER.read("", "empty.yaml"));
        assertEquals(List.of(), READER.read("# nothing here\n---\n", "comments.yaml"));
    }

    @Test
    void jsonObjectsAndJsonArrays() {
        String objects = """
                {"apiVersion": "stash.appscode.com/v1beta1", "kind": "Function", "metadata": {"name": "fn"},
                 "spec": {"image": "busybox", "args": ["a", "${B:=b}"]}}
                {"apiVersion": "stash.appscode.com/v1alpha1", "kind": "Repository",
                 "metadata": {"name": "repo", "namespace": "demo"},
                 "spec": {"backend": {"local": {"mountPath": "/repo", "hostPath": {"path": "/data"}}}}}
                """;
        // the same two documents as one JSON array: a comma between them and brackets around
        String array = "[" + objects.strip().replace("}}\n{", "}},\n{") + "]";

        List<ParsedResource> fromObjects = READER.read(objects, "defs.json");
        List<ParsedResource> fromArray = READER.read(array, "defs.json");

        assertEquals(List.of("busybox"), List.of(fromObjects.get(0).as(Function.class).spec().image()));
        assertEquals(List.of("a", "${B:=b}"), fromObjects.get(0).as(Function.class).spec().args());
        assertEquals("/data", fromObjects.get(1).as(Repository.class).spec().backend().local().volumeSource().getHostPath().getPath());
        assertEquals(fromObjects.stream().map(ParsedResource::resource).toList(),
                fromArray.stream().map(ParsedResource::resource).toList());
    }

    @Test
    void jsonTypeErrorsHaveTheSamePaths() {
        String json = """
                {"apiVersion": "stash.appscode.com/v1beta1", "kind": "Task", "metadata": {"name": "t"},
                 "spec": {"steps": [{"name": "fn", "params": [{"name": "x", "value": {"nested": true}}]}]}}
                """;
        String message = assertThrows(ResourceParseException.class, () -> READER.read(json, "task.json")).getMessage();

        assertTrue(message.startsWith("task.json (document 1): Task t: spec.steps[0].params[0].value: expected a string, got a mapping"),
                message);
    }

    @Test
    void readsAFileByPath(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("fn.json");
        Files.writeString(file, """
                {"apiVersion": "stash.appscode.com/v1beta1", "kind": "Function", "metadata": {"name": "fn"}, "spec": {"foo": 1}}
                """);

        ParsedResource parsed = READER.read(file).get(0);

        assertEquals(List.of(file + ": Function fn: unknown field spec.foo (kept, ignored)"), parsed.warnings());
    }

    @Test
    void readDocumentTakesATree() {
        ParsedResource original = READER.read(ModelFixtures.fixture("task-full.yaml")).get(0);

        ParsedResource again = READER.readDocument(original.document(), "definitions topic");

        assertEquals(original.resource(), again.resource());
        assertEquals(StashKind.TASK, again.kind());
    }

    @Test
    void oneReaderServesManyThreads() throws Exception {
        List<Path> fixtures = ModelFixtures.allFixtures();
        List<List<StashResource>> expected = fixtures.stream()
                .map(f -> READER.read(f).stream().map(ParsedResource::resource).toList()).toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<List<StashResource>>>> results = IntStream.range(0, 16)
                    .mapToObj(i -> pool.submit(() -> fixtures.stream()
                            .map(f -> READER.read(f).stream().map(ParsedResource::resource).toList()).toList()))
                    .toList();
            for (Future<List<List<StashResource>>> result : results) {
                assertEquals(expected, result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void kindsKnowTheirApiVersionScopeAndRecord() {
        assertEquals(java.util.Optional.of(StashKind.REPOSITORY), StashKind.of("stash.appscode.com/v1alpha1", "Repository"));
        assertEquals(java.util.Optional.empty(), StashKind.of("stash.appscode.com/v1beta1", "Repository"));
        assertEquals(java.util.Optional.of(StashKind.APP_BINDING), StashKind.of("appcatalog.appscode.com/v1alpha1", "AppBinding"));
        assertTrue(StashKind.FUNCTION.clusterScoped());
        assertTrue(StashKind.TASK.clusterScoped());
        assertTrue(StashKind.BACKUP_BLUEPRINT.clusterScoped());
        assertTrue(!StashKind.BACKUP_SESSION.clusterScoped());
        assertEquals("stash.appscode.com", StashKind.BACKUP_BATCH.group());
        assertEquals(StashKind.RESTORE_SESSION,
                StashKind.of(ModelFixtures.readSingle("restoresession-full.yaml", RestoreSession.class)));
        for (StashKind kind : StashKind.values()) {
            assertEquals(kind.kind(), kind.resourceType().getSimpleName());
        }
    }
}
