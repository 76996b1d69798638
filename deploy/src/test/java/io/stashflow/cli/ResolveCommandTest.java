package io.stashflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code stashflow resolve} run through picocli with captured streams, on the catalog's postgres Task. */
class ResolveCommandTest {

    /** AppBinding with the postgres addon, Repository, BackupConfiguration, BackupSession and RestoreSession. */
    static final String FIXTURES = """
            apiVersion: appcatalog.appscode.com/v1alpha1
            kind: AppBinding
            metadata: {name: pg, namespace: demo}
            spec:
              type: kubedb.com/postgres
              clientConfig: {service: {name: pg, port: 5432, scheme: postgresql}}
              parameters:
                stash:
                  addon:
                    backupTask: {name: postgres-backup-16.1}
                    restoreTask: {name: postgres-restore-16.1}
            ---
            apiVersion: stash.appscode.com/v1alpha1
            kind: Repository
            metadata: {name: s3-repo, namespace: demo}
            spec:
              backend:
                s3: {endpoint: s3.amazonaws.com, bucket: demo, region: us-east-1, prefix: /pg}
                storageSecretName: s3-secret
            ---
            apiVersion: stash.appscode.com/v1beta1
            kind: BackupConfiguration
            metadata: {name: pg-backup, namespace: demo}
            spec:
              task: {params: [{name: user, value: postgres}]}
              repository: {name: s3-repo}
              target: {ref: {apiVersion: appcatalog.appscode.com/v1alpha1, kind: AppBinding, name: pg}}
            ---
            apiVersion: stash.appscode.com/v1beta1
            kind: BackupSession
            metadata: {name: pg-backup-1700000000, namespace: demo}
            spec:
              invoker: {apiGroup: stash.appscode.com, kind: BackupConfiguration, name: pg-backup}
            """;

    @TempDir
    Path dir;

    record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = StashflowCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>();
        all.add("resolve");
        all.addAll(List.of(args));
        int exit = cli.execute(all.toArray(new String[0]));
        return new Run(exit, out.toString(), err.toString());
    }

    private static Path catalog() {
        Path d = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        while (d != null) {
            Path candidate = d.resolve("shared").resolve("conformance").resolve("stash-catalog");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            d = d.getParent();
        }
        fail("no shared/conformance/stash-catalog above " + System.getProperty("user.dir"));
        throw new AssertionError("unreachable");
    }

    @BeforeEach
    void definitions() throws IOException {
        Path catalogCopy = Files.createDirectories(dir.resolve("catalog").resolve("postgres"));
        for (String file : List.of("postgres-backup-function.yaml", "postgres-backup-task.yaml",
                "postgres-restore-function.yaml", "postgres-restore-task.yaml")) {
            Files.copy(catalog().resolve(file), catalogCopy.resolve(file));
        }
        Files.writeString(dir.resolve("demo.yml"), FIXTURES, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("notes.txt"), "not a definition", StandardCharsets.UTF_8);
    }

    @Test
    void printsTheCompletePodAsYaml() throws Exception {
        Run run = run("--definitions", dir.toString(), "--backup-session", "demo/pg-backup-1700000000",
                "--stashflow-image", "ghcr.io/stashflow/stashflow:1.0.0");
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("", run.stderr());
        assertTrue(run.stdout().startsWith("apiVersion: v1\nkind: Pod\n"), run.stdout());
        JsonNode pod = new YAMLMapper().readTree(run.stdout());
        assertEquals("stash-backup-pg-backup-1700000000-0", pod.path("metadata").path("name").asText());
        assertEquals("demo", pod.path("metadata").path("namespace").asText());
        JsonNode init = pod.path("spec").path("initContainers").get(0);
        assertEquals("postgres-backup-16-1-0", init.path("name").asText());
        assertEquals("ghcr.io/stashed/stash-postgres:16.1-v7", init.path("image").asText());
        assertTrue(textList(init.path("args")).contains("--user=postgres"), init.toString());
        assertTrue(textList(init.path("args")).contains("--appbinding=pg"), init.toString());
        JsonNode main = pod.path("spec").path("containers").get(0);
        assertEquals("update-status-1", main.path("name").asText());
        assertEquals("ghcr.io/stashflow/stashflow:1.0.0", main.path("image").asText());
        assertEquals("65535", pod.path("spec").path("securityContext").path("runAsUser").asText());
    }

    @Test
    void printsJsonWithDashO() throws Exception {
        Run run = run("--definitions", dir.resolve("demo.yml").toString(), dir.resolve("catalog").toString(),
                "--restore-session", "demo/pg-restore", "-o", "json");
        assertEquals(1, run.exitCode(), "the RestoreSession is not defined yet");
        Files.writeString(dir.resolve("restore.json"), """
                {"apiVersion": "stash.appscode.com/v1beta1", "kind": "RestoreSession",
                 "metadata": {"name": "pg-restore", "namespace": "demo"},
                 "spec": {"repository": {"name": "s3-repo"},
                          "target": {"ref": {"apiVersion": "appcatalog.appscode.com/v1alpha1", "kind": "AppBinding", "name": "pg"}}}}
                """, StandardCharsets.UTF_8);
        run = run("--definitions", dir.toString(), "--restore-session", "demo/pg-restore", "-o", "json");
        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode pod = new ObjectMapper().readTree(run.stdout());
        assertEquals("Pod", pod.path("kind").asText());
        assertEquals("stash-restore-pg-restore-0", pod.path("metadata").path("name").asText());
        assertEquals("postgres-restore-16-1-0", pod.path("spec").path("initContainers").get(0).path("name").asText());
        assertEquals(0, pod.path("spec").path("securityContext").path("runAsUser").asInt(-1));
    }

    @Test
    void failsWithExitOneNamingTheVariable() throws Exception {
        Files.writeString(dir.resolve("override.yaml"), """
                apiVersion: stash.appscode.com/v1beta1
                kind: Function
                metadata: {name: postgres-backup-16.1}
                spec:
                  image: ghcr.io/stashed/stash-postgres:16.1-v7
                  args: [backup-pg, "--db=${DATABASE_NAME}"]
                """, StandardCharsets.UTF_8);
        Run run = run("--definitions", dir.resolve("catalog").toString(), dir.resolve("demo.yml").toString(),
                dir.resolve("override.yaml").toString(), "--backup-session", "demo/pg-backup-1700000000");
        assertEquals(1, run.exitCode());
        assertEquals("", run.stdout());
        assertTrue(run.stderr().contains("input/default value not found for key DATABASE_NAME"), run.stderr());
        assertTrue(run.stderr().contains("spec.args[1] of Function postgres-backup-16.1"), run.stderr());
        assertTrue(run.stderr().contains("spec.task.params of BackupConfiguration demo/pg-backup"), run.stderr());
        assertTrue(run.stderr().startsWith("warning: Function postgres-backup-16.1 is defined in "), run.stderr());
    }

    @Test
    void aMissingBackupSessionShowsAMinimalOneToAdd() {
        Run run = run("--definitions", dir.toString(), "--backup-session", "demo/nightly-1");
        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains("BackupSession demo/nightly-1 is not among the definitions"), run.stderr());
        assertTrue(run.stderr().contains("kind: BackupSession\nmetadata:\n  name: nightly-1\n  namespace: demo\n"),
                run.stderr());
        assertTrue(run.stderr().contains("    kind: BackupConfiguration\n    name: pg-backup\n"), run.stderr());
    }

    @Test
    void parseWarningsGoToStandardError() throws Exception {
        Files.writeString(dir.resolve("demo.yml"), FIXTURES.replace("spec:\n  task: {params",
                "spec:\n  unknownField: 1\n  task: {params"), StandardCharsets.UTF_8);
        Run run = run("--definitions", dir.toString(), "--backup-session", "demo/pg-backup-1700000000");
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stderr().startsWith("warning: "), run.stderr());
        assertTrue(run.stderr().contains("unknownField"), run.stderr());
        assertTrue(run.stdout().startsWith("apiVersion: v1\nkind: Pod\n"));
    }

    @Test
    void unreadableDefinitionsFailWithExitOne() throws Exception {
        Files.writeString(dir.resolve("broken.yaml"), "kind: [unclosed", StandardCharsets.UTF_8);
        Run run = run("--definitions", dir.toString(), "--backup-session", "demo/pg-backup-1700000000");
        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains("broken.yaml"), run.stderr());
        Run missing = run("--definitions", dir.resolve("nope").toString(), "--backup-session", "demo/x");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.stderr().contains("no such file or directory"), missing.stderr());
    }

    @Test
    void aBackupBatchGivesOnePodPerMember() throws Exception {
        Files.writeString(dir.resolve("batch.yaml"), """
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupBatch
                metadata: {name: both, namespace: demo}
                spec:
                  repository: {name: s3-repo}
                  members:
                  - task: {name: postgres-backup-16.1}
                    target: {ref: {apiVersion: appcatalog.appscode.com/v1alpha1, kind: AppBinding, name: pg}}
                  - task: {name: postgres-backup-16.1}
                    target: {alias: second, ref: {apiVersion: appcatalog.appscode.com/v1alpha1, kind: AppBinding, name: pg}}
                ---
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupSession
                metadata: {name: both-1, namespace: demo}
                spec: {invoker: {apiGroup: stash.appscode.com, kind: BackupBatch, name: both}}
                """, StandardCharsets.UTF_8);
        Run yaml = run("--definitions", dir.toString(), "--backup-session", "demo/both-1");
        assertEquals(0, yaml.exitCode(), yaml.stderr());
        assertTrue(yaml.stdout().contains("\n---\napiVersion: v1\nkind: Pod\n"), yaml.stdout());
        Run json = run("--definitions", dir.toString(), "--backup-session", "demo/both-1", "-o", "json");
        JsonNode list = new ObjectMapper().readTree(json.stdout());
        assertEquals("List", list.path("kind").asText());
        assertEquals("stash-backup-both-1-1", list.path("items").get(1).path("metadata").path("name").asText());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run("--definitions", dir.toString()).exitCode(), "a session is required");
        assertEquals(2, run("--definitions", dir.toString(), "--backup-session", "a/b", "--restore-session", "a/c")
                .exitCode(), "only one session");
        Run badName = run("--definitions", dir.toString(), "--backup-session", "no-namespace");
        assertEquals(2, badName.exitCode());
        assertTrue(badName.stderr().contains("must be NAMESPACE/NAME"), badName.stderr());
        assertEquals(2, run("--backup-session", "a/b").exitCode(), "--definitions is required");
        assertEquals(2, run("--definitions", dir.toString(), "--backup-session", "a/b", "-o", "xml").exitCode());
    }

    private static List<String> textList(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asText()));
        return values;
    }
}
