package io.stashflow.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Warnings for unknown fields and the errors for everything that cannot be read. */
class ReaderDiagnosticsTest {

    private static final StashResourceReader READER = ModelFixtures.READER;

    private static final String SAMPLE_FUNCTION = """
            apiVersion: stash.appscode.com/v1beta1
            kind: Function
            metadata:
              name: sample-fn
            """;

    private static String readFailure(String content, String sourceName) {
        return assertThrows(ResourceParseException.class, () -> READER.read(content, sourceName)).getMessage();
    }

    private static void assertContains(String expectedPart, String actual) {
        assertTrue(actual.contains(expectedPart), () -> "expected <" + expectedPart + "> in <" + actual + ">");
    }

    @Test
    void unknownFieldsAreWarningsNamingSourceResourceAndPath() {
        String yaml = """
                apiVersion: stash.appscode.com/v1beta1
                kind: Task
                metadata:
                  name: mysql-backup-8.0.21
                spec:
                  foo: bar
                  steps:
                  - name: mysql-backup-8.0.21
                    retries: 3
                    params:
                    - name: outputDir
                      value: /stash-tmp/output
                  volumes:
                  - name: scratch
                    emptyDir:
                      medium: Memory
                      sizeLimt: 1Gi
                status:
                  phase: Ready
                """;
        ParsedResource parsed = READER.read(yaml, "mysql-backup-task.yaml").get(0);

        assertEquals(List.of(
                "mysql-backup-task.yaml: Task mysql-backup-8.0.21: unknown field spec.foo (kept, ignored)",
                "mysql-backup-task.yaml: Task mysql-backup-8.0.21: unknown field spec.steps[0].retries (kept, ignored)",
                "mysql-backup-task.yaml: Task mysql-backup-8.0.21: unknown field spec.volumes[0].emptyDir.sizeLimt (kept, ignored)",
                "mysql-backup-task.yaml: Task mysql-backup-8.0.21: unknown field status (kept, ignored)"),
                parsed.warnings());
        // the fields are kept in the original document, and the known ones are read
        assertEquals("bar", parsed.document().at("/spec/foo").asText());
        assertEquals(3, parsed.document().at("/spec/steps/0/retries").asInt());
        assertEquals("mysql-backup-8.0.21", parsed.as(Task.class).spec().steps().get(0).name());
    }

    @Test
    void unknownFieldsInsideFabric8TypesAndTheInlineLocalVolumeAreWarnings() {
        String yaml = """
                apiVersion: stash.appscode.com/v1alpha1
                kind: Repository
                metadata:
                  name: repo
                  namespace: demo
                  labls: {a: b}
                spec:
                  backend:
                    local:
                      name: not-allowed-here
                      mountPath: /repo
                      hostPath: {path: /data, tipe: Directory}
                """;
        List<String> warnings = READER.read(yaml, "repo.yaml").get(0).warnings();

        assertEquals(List.of(
                "repo.yaml: Repository demo/repo: unknown field metadata.labls (kept, ignored)",
                "repo.yaml: Repository demo/repo: unknown field spec.backend.local.name (kept, ignored)",
                "repo.yaml: Repository demo/repo: unknown field spec.backend.local.hostPath.tipe (kept, ignored)"),
                warnings);
    }

    @Test
    void objectsReadBackFromAClusterHaveNoWarnings() {
        // what `kubectl get backupsession -o yaml` prints: server-set metadata, managed fields, owner references
        String yaml = """
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupSession
                metadata:
                  creationTimestamp: "2024-05-01T10:00:00Z"
                  generation: 1
                  name: sample-1714557600
                  namespace: demo
                  resourceVersion: "123456"
                  uid: 0f6c2a4e-1111-2222-3333-444455556666
                  annotations:
                    kubectl.kubernetes.io/last-applied-configuration: |
                      {"apiVersion":"stash.appscode.com/v1beta1","kind":"BackupSession"}
                  ownerReferences:
                  - apiVersion: stash.appscode.com/v1beta1
                    kind: BackupConfiguration
                    name: sample
                    uid: 9a9a9a9a-1111-2222-3333-444455556666
                    controller: true
                    blockOwnerDeletion: true
                  managedFields:
                  - apiVersion: stash.appscode.com/v1beta1
                    fieldsType: FieldsV1
                    fieldsV1:
                      f:spec:
                        .: {}
                        f:invoker: {}
                    manager: stash
                    operation: Update
                    time: "2024-05-01T10:00:00Z"
                spec:
                  invoker: {apiGroup: stash.appscode.com, kind: BackupConfiguration, name: sample}
                status:
                  phase: Running
                """;
        ParsedResource parsed = READER.read(yaml, "session.yaml").get(0);

        assertEquals(List.of(), parsed.warnings());
        assertEquals("123456", parsed.resource().metadata().getResourceVersion());
        assertEquals("sample", parsed.resource().metadata().getOwnerReferences().get(0).getName());
    }

    @Test
    void typeErrorNamesFileDocumentResourceAndFieldPath() {
        String yaml = SAMPLE_FUNCTION + """
                ---
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupConfiguration
                metadata:
                  name: sample
                  namespace: demo
                spec:
                  target:
                    ref: {apiVersion: apps/v1, kind: Deployment, name: app}
                    replicas: two
                """;
        String message = readFailure(yaml, "backup.yaml");

        assertTrue(message.startsWith(
                "backup.yaml (document 2): BackupConfiguration demo/sample: spec.target.replicas: expected an integer, got \"two\""),
                message);
        assertContains("without quotes", message);
    }

    @Test
    void typeErrorInAFileNamesTheFile(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("my-function.yaml");
        Files.writeString(file, SAMPLE_FUNCTION + """
                spec:
                  image: busybox
                  ports:
                  - containerPort: http
                """);
        String message = assertThrows(ResourceParseException.class, () -> READER.read(file)).getMessage();

        assertContains("my-function.yaml (document 1): Function sample-fn: spec.ports[0].containerPort: expected an integer, got \"http\"",
                message);
    }

    @Test
    void quotedNumbersAndBooleansAreNotCoerced() {
        String quotedNumber = readFailure("""
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupConfiguration
                metadata: {name: bc, namespace: demo}
                spec:
                  backupHistoryLimit: "3"
                """, "bc.yaml");
        String quotedBoolean = readFailure("""
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupConfiguration
                metadata: {name: bc, namespace: demo}
                spec:
                  paused: "yes"
                """, "bc.yaml");

        assertContains("BackupConfiguration demo/bc: spec.backupHistoryLimit: expected an integer, got \"3\"", quotedNumber);
        assertContains("BackupConfiguration demo/bc: spec.paused: expected true or false, got \"yes\"", quotedBoolean);
    }

    @Test
    void fractionsAreNeitherIntegersNorStrings() {
        String fractionForInteger = readFailure("""
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupConfiguration
                metadata: {name: bc, namespace: demo}
                spec:
                  retentionPolicy: {name: p, keepLast: 1.5, prune: true}
                """, "bc.yaml");
        // YAML reads 1.10 as the number 1.1; taking it as the string "1.1" would silently change the value
        String fractionForString = readFailure("""
                apiVersion: stash.appscode.com/v1beta1
                kind: Task
                metadata: {name: t}
                spec:
                  steps:
                  - name: fn
                    params:
                    - name: version
                      value: 1.10
                """, "task.yaml");

        assertContains("spec.retentionPolicy.keepLast: expected an integer, got 1.5", fractionForInteger);
        assertContains("Task t: spec.steps[0].params[0].value: expected a string, got 1.1 (quote the value", fractionForString);
    }

    @Test
    void unquotedNumbersAndBooleansAreNotStringsBecauseYamlAlreadyChangedThem() {
        String octal = readFailure(SAMPLE_FUNCTION + """
                spec:
                  image: busybox
                  workingDir: 0755
                """, "fn.yaml");
        String yes = readFailure("""
                apiVersion: stash.appscode.com/v1beta1
                kind: Task
                metadata: {name: t}
                spec:
                  steps:
                  - name: fn
                    params:
                    - name: waitTimeout
                      value: 300
                    - name: enable
                      value: yes
                """, "task.yaml");

        // YAML 1.1 reads 0755 as the octal number 493: the message shows what YAML made of it and how to keep the text
        assertContains("Function sample-fn: spec.workingDir: expected a string, got 493 (quote the value", octal);
        assertContains("Task t: spec.steps[0].params[0].value: expected a string, got 300 (quote the value", yes);
    }

    @Test
    void scalarWhereAListBelongs() {
        String message = readFailure(SAMPLE_FUNCTION + """
                spec:
                  args: --verbose
                """, "fn.yaml");

        assertContains("Function sample-fn: spec.args: expected a list, got \"--verbose\"", message);
    }

    @Test
    void wrongTypeInsideTheInlineLocalVolume() {
        String message = readFailure("""
                apiVersion: stash.appscode.com/v1alpha1
                kind: Repository
                metadata: {name: repo, namespace: demo}
                spec:
                  backend:
                    local:
                      mountPath: /repo
                      persistentVolumeClaim: {claimName: pvc, readOnly: maybe}
                """, "repo.yaml");
        String mountPathMessage = readFailure("""
                apiVersion: stash.appscode.com/v1alpha1
                kind: Repository
                metadata: {name: repo, namespace: demo}
                spec:
                  backend:
                    local:
                      mountPath: [a, b]
                """, "repo.yaml");

        assertContains("Repository demo/repo: spec.backend.local.persistentVolumeClaim.readOnly: expected true or false, got \"maybe\"", message);
        assertContains("Repository demo/repo: spec.backend.local.mountPath: expected a string, got a list", mountPathMessage);
    }

    @Test
    void emptyListEntriesAndMapValuesAreErrors() {
        String listMessage = readFailure(SAMPLE_FUNCTION + """
                spec:
                  args:
                  - backup
                  -
                """, "fn.yaml");
        String mapMessage = readFailure("""
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupConfiguration
                metadata: {name: bc, namespace: demo}
                spec:
                  runtimeSettings:
                    pod:
                      podLabels:
                        app.kubernetes.io/name:
                """, "bc.yaml");

        assertContains("Function sample-fn: spec.args[1]: empty list entry", listMessage);
        assertContains("BackupConfiguration demo/bc: spec.runtimeSettings.pod.podLabels[\"app.kubernetes.io/name\"]: no value", mapMessage);
    }

    @Test
    void invalidQuantity() {
        String message = readFailure("""
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupConfiguration
                metadata: {name: bc, namespace: demo}
                spec:
                  tempDir: {sizeLimit: lots}
                """, "bc.yaml");

        assertContains("BackupConfiguration demo/bc: spec.tempDir.sizeLimit: expected a quantity such as 1Gi or 500m, got \"lots\"", message);
    }

    @Test
    void integerOutOfRange() {
        String message = readFailure("""
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupSession
                metadata: {name: s, namespace: demo}
                spec:
                  retryLeft: 99999999999
                """, "session.yaml");

        assertContains("BackupSession demo/s: spec.retryLeft: expected an integer within -2147483648..2147483647, got 99999999999",
                message);
    }

    @Test
    void unknownKindListsWhatIsAccepted() {
        String message = readFailure("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                """, "pod.yaml");

        assertContains("pod.yaml (document 1): unknown kind Pod (apiVersion v1); accepted kinds are ", message);
        assertContains("stash.appscode.com/v1beta1 Function", message);
        assertContains("stash.appscode.com/v1alpha1 Repository", message);
        assertContains("appcatalog.appscode.com/v1alpha1 AppBinding", message);
    }

    @Test
    void knownKindUnderTheWrongApiVersionSaysWhichOneToUse() {
        String message = readFailure("""
                apiVersion: stash.appscode.com/v1beta1
                kind: Repository
                metadata: {name: r, namespace: demo}
                """, "repo.yaml");

        assertContains("repo.yaml (document 1): apiVersion stash.appscode.com/v1beta1 is not served for Repository;"
                + " use apiVersion: stash.appscode.com/v1alpha1", message);
    }

    @Test
    void missingKindApiVersionOrName() {
        assertContains("doc.yaml (document 1): kind: required", readFailure("apiVersion: stash.appscode.com/v1beta1\n", "doc.yaml"));
        assertContains("doc.yaml (document 1): apiVersion: required", readFailure("kind: Task\n", "doc.yaml"));
        assertContains("doc.yaml (document 1): Task (unnamed): metadata.name: required",
                readFailure("apiVersion: stash.appscode.com/v1beta1\nkind: Task\nspec: {}\n", "doc.yaml"));
        assertContains("doc.yaml (document 1): expected a mapping with apiVersion, kind, metadata and spec, got \"just text\"",
                readFailure("just text\n", "doc.yaml"));
    }

    @Test
    void yamlSyntaxErrorNamesDocumentAndLine() {
        String message = readFailure(SAMPLE_FUNCTION + """
                ---
                apiVersion: stash.appscode.com/v1beta1
                kind: Task
                metadata:
                  name: [unclosed
                """, "broken.yaml");

        assertContains("broken.yaml (document 2), line ", message);
        assertContains("not valid YAML or JSON: while parsing a flow sequence: expected ',' or ']'", message);
        // the offending lines are not echoed
        assertTrue(!message.contains("[unclosed"), message);
    }

    @Test
    void duplicateKeysAreErrors() {
        String message = readFailure(SAMPLE_FUNCTION + """
                spec:
                  image: one
                  image: two
                """, "dup.yaml");

        assertContains("dup.yaml (document 1)", message);
        assertContains("image", message);
    }

    @Test
    void namespaceOnAClusterScopedKindIsAWarning() {
        List<String> warnings = READER.read("""
                apiVersion: stash.appscode.com/v1beta1
                kind: Function
                metadata: {name: fn, namespace: demo}
                spec: {image: busybox}
                """, "fn.yaml").get(0).warnings();

        assertEquals(List.of("fn.yaml: Function fn: metadata.namespace is ignored, Function is cluster-scoped"), warnings);
    }
}
