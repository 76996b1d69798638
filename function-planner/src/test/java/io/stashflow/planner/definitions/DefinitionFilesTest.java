package io.stashflow.planner.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.model.StashKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefinitionFilesTest {

    private final DefinitionFiles files = new DefinitionFiles("c1");

    private DefinitionFiles.FileContent read(String yaml) {
        return files.read(Path.of("/defs/file.yaml"), yaml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyStashDocumentBecomesADefinitionKeyedByClusterKindNamespaceAndName() {
        var content = read("""
                apiVersion: stash.appscode.com/v1beta1
                kind: Function
                metadata:
                  name: my-fn
                spec:
                  image: busybox
                ---
                ---
                apiVersion: stash.appscode.com/v1alpha1
                kind: Repository
                metadata:
                  name: repo
                  generation: 4
                spec:
                  backend:
                    local:
                      mountPath: /repo
                      hostPath:
                        path: /data
                """);
        assertTrue(content.problems().isEmpty(), content.problems()::toString);
        List<DefinitionFiles.Document> documents = content.documents();
        assertEquals(2, documents.size());
        assertEquals("c1/Function//my-fn", documents.get(0).key());
        assertEquals(StashKind.FUNCTION, documents.get(0).kind());
        assertEquals("", documents.get(0).namespace());
        assertNull(documents.get(0).generation());
        assertEquals("c1/Repository/default/repo", documents.get(1).key(), "no namespace means default");
        assertEquals(4L, documents.get(1).generation());
        assertTrue(documents.get(1).json().startsWith("{\"apiVersion\":\"stash.appscode.com/v1alpha1\""));
    }

    @Test
    void aDocumentTooLargeForAKafkaRecordIsAProblemAndTheOthersAreRead() {
        String script = "x".repeat(DefinitionFiles.MAX_DOCUMENT_BYTES);
        var content = read("""
                apiVersion: stash.appscode.com/v1beta1
                kind: Function
                metadata:
                  name: small
                spec:
                  image: busybox
                ---
                apiVersion: stash.appscode.com/v1beta1
                kind: Function
                metadata:
                  name: huge
                spec:
                  image: busybox
                  args: ["%s"]
                """.formatted(script));
        assertEquals(List.of("c1/Function//small"), content.documents().stream().map(DefinitionFiles.Document::key)
                .toList());
        assertEquals(1, content.problems().size());
        String message = content.problems().get(0).message();
        assertTrue(message.startsWith("/defs/file.yaml (document 2): Function huge is "), message);
        assertTrue(message.contains("bytes as JSON, more than the 262144 a definition may have"), message);
        assertFalse(message.contains("xxxx"), "no document content in the message");
        assertTrue(content.problems().get(0).content().length > DefinitionFiles.MAX_DOCUMENT_BYTES);
    }

    @Test
    void documentsOfOtherKindsAreNotDefinitions() {
        var content = read("""
                apiVersion: v1
                kind: Secret
                metadata:
                  name: s3-secret
                stringData:
                  RESTIC_PASSWORD: not-a-definition
                ---
                apiVersion: stash.appscode.com/v1beta1
                kind: Task
                metadata:
                  name: t
                spec:
                  steps:
                  - name: update-status
                """);
        assertTrue(content.problems().isEmpty());
        assertEquals(List.of("c1/Task//t"), content.documents().stream().map(DefinitionFiles.Document::key).toList());
    }

    @Test
    void aBadDocumentIsAProblemNamingFileDocumentResourceAndFieldWhileTheOthersAreRead() {
        var content = read("""
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupConfiguration
                metadata:
                  name: bc
                  namespace: demo
                spec:
                  paused: "yes"
                ---
                apiVersion: stash.appscode.com/v1beta1
                kind: Task
                metadata:
                  name: t
                """);
        assertEquals(List.of("c1/Task//t"), content.documents().stream().map(DefinitionFiles.Document::key).toList());
        assertEquals(1, content.problems().size());
        String message = content.problems().get(0).message();
        assertTrue(message.contains("/defs/file.yaml (document 1)"), message);
        assertTrue(message.contains("BackupConfiguration demo/bc"), message);
        assertTrue(message.contains("spec.paused"), message);
    }

    @Test
    void aStashKindWithAWrongApiVersionIsAProblemNotASkip() {
        var content = read("""
                apiVersion: stash.appscode.com/v1
                kind: Function
                metadata:
                  name: f
                """);
        assertEquals(1, content.problems().size());
        assertTrue(content.problems().get(0).message().contains("use apiVersion: stash.appscode.com/v1beta1"));
    }

    @Test
    void aFileThatIsNotYamlIsOneProblemWithoutItsContentInTheMessage() {
        var content = read("kind: Task\nmetadata: [unclosed\n  password: hunter2\n");
        assertTrue(content.documents().isEmpty());
        assertEquals(1, content.problems().size());
        String message = content.problems().get(0).message();
        assertTrue(message.contains("not valid YAML or JSON"), message);
        assertFalse(message.contains("hunter2"), message);
        assertTrue(new String(content.problems().get(0).content(), StandardCharsets.UTF_8).contains("unclosed"),
                "the rejection keeps the file's bytes");
    }

    @Test
    void listsYamlAndJsonFilesRecursivelySkippingHiddenOnes(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("sub"));
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve("a.yaml"), "");
        Files.writeString(dir.resolve("sub/b.yml"), "");
        Files.writeString(dir.resolve("sub/c.json"), "");
        Files.writeString(dir.resolve("README.md"), "");
        Files.writeString(dir.resolve(".hidden.yaml"), "");
        Files.writeString(dir.resolve(".git/x.yaml"), "");
        List<String> names = DefinitionFiles.list(dir).stream().map(p -> dir.relativize(p).toString()).toList();
        assertEquals(List.of("a.yaml", "sub/b.yml", "sub/c.json"), names);
    }
}
