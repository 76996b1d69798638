package io.stashflow.planner.bench;

import io.stashflow.events.Definition;
import io.stashflow.planner.definitions.DefinitionFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The definitions the benchmarks plan against: the catalog's postgres backup Function and Task, one Repository per
 * namespace, and BackupConfigurations each with an AppBinding of its own (so no two share a target and none is
 * skipped by Stash's concurrency rules), read the way the definitions directory source reads files.
 */
public final class BenchDefinitions {

    /** The catalog files every bench world needs. */
    public static final List<String> CATALOG_FILES = List.of("postgres-backup-function.yaml",
            "postgres-backup-task.yaml");

    private BenchDefinitions() {
    }

    /** A definition with its record key ({@code cluster/Kind/namespace/name}). */
    public record Keyed(String key, Definition definition) {
    }

    /** The namespace of configuration {@code config}: {@code bench-<config % namespaces>}. */
    public static String namespace(int config, int namespaces) {
        return "bench-" + (config % namespaces);
    }

    /** The name of configuration {@code config}: {@code pg-backup-<config>}. */
    public static String configName(int config) {
        return "pg-backup-" + config;
    }

    /**
     * Repositories, AppBindings and BackupConfigurations as one YAML stream: {@code namespaces} namespaces
     * {@code bench-<n>} with a Repository {@code s3-repo} each, and {@code configs} BackupConfigurations
     * {@code pg-backup-<i>} in namespace {@code bench-<i % namespaces>} with the given schedule.
     */
    public static String postgresWorld(int configs, int namespaces, String schedule) {
        StringBuilder yaml = new StringBuilder();
        for (int n = 0; n < namespaces; n++) {
            yaml.append("""
                    apiVersion: stash.appscode.com/v1alpha1
                    kind: Repository
                    metadata: {name: s3-repo, namespace: bench-%d}
                    spec:
                      backend:
                        s3: {endpoint: s3.amazonaws.com, bucket: bench, region: us-east-1, prefix: /bench/%d}
                        storageSecretName: s3-secret
                    ---
                    """.formatted(n, n));
        }
        for (int i = 0; i < configs; i++) {
            int n = i % namespaces;
            yaml.append("""
                    apiVersion: appcatalog.appscode.com/v1alpha1
                    kind: AppBinding
                    metadata: {name: pg-%d, namespace: bench-%d}
                    spec:
                      type: kubedb.com/postgres
                      version: "16.1"
                      clientConfig: {service: {name: pg-%d, port: 5432, scheme: postgresql}}
                      secret: {name: pg-%d-auth}
                      parameters:
                        stash:
                          addon:
                            backupTask: {name: postgres-backup-16.1, params: [{name: args, value: --clean}]}
                    ---
                    apiVersion: stash.appscode.com/v1beta1
                    kind: BackupConfiguration
                    metadata: {name: pg-backup-%d, namespace: bench-%d}
                    spec:
                      schedule: "%s"
                      task: {params: [{name: user, value: postgres}]}
                      repository: {name: s3-repo}
                      target: {ref: {apiVersion: appcatalog.appscode.com/v1alpha1, kind: AppBinding, name: pg-%d}}
                      retentionPolicy: {name: keep, keepLast: 5, prune: true}
                      timeOut: 1h
                    ---
                    """.formatted(i, n, i, i, i, n, schedule, i));
        }
        return yaml.toString();
    }

    /**
     * The catalog's Function and Task plus the world, as the definitions of one cluster.
     *
     * @throws IllegalStateException when a document does not parse
     */
    public static List<Keyed> of(Path catalog, String cluster, String world, Instant observedAt) throws IOException {
        DefinitionFiles files = new DefinitionFiles(cluster);
        List<DefinitionFiles.FileContent> contents = new ArrayList<>();
        for (String file : CATALOG_FILES) {
            Path path = catalog.resolve(file);
            contents.add(files.read(path, Files.readAllBytes(path)));
        }
        contents.add(files.read(Path.of("bench-world.yaml"), world.getBytes(StandardCharsets.UTF_8)));
        List<Keyed> out = new ArrayList<>();
        for (DefinitionFiles.FileContent content : contents) {
            if (!content.problems().isEmpty()) {
                throw new IllegalStateException("bench definitions do not parse: " + content.problems().get(0)
                        .message());
            }
            for (DefinitionFiles.Document d : content.documents()) {
                out.add(new Keyed(d.key(), Definition.newBuilder()
                        .setCluster(cluster).setApiVersion(d.kind().apiVersion()).setKind(d.kind().kind())
                        .setNamespace(d.namespace()).setName(d.name()).setDocument(d.json())
                        .setSource(content.file().toString()).setObservedAt(observedAt).build()));
            }
        }
        return out;
    }
}
