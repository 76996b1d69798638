package io.stashflow.planner.topology;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.stashflow.events.Definition;
import io.stashflow.events.InvokerRef;
import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionRequested;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.TargetRef;
import io.stashflow.events.TargetStatus;
import io.stashflow.planner.definitions.DefinitionFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Definitions, requests and statuses for the planner tests. */
public final class PlannerFixtures {

    public static final String NAMESPACE = "demo";

    private PlannerFixtures() {
    }

    /** {@code shared/conformance/stash-catalog}, found by walking up from the working directory. */
    public static Path catalog() {
        Path dir = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null) {
            Path catalog = dir.resolve("shared").resolve("conformance").resolve("stash-catalog");
            if (Files.isDirectory(catalog)) {
                return catalog;
            }
            dir = dir.getParent();
        }
        fail("no shared/conformance/stash-catalog above " + System.getProperty("user.dir"));
        throw new AssertionError("unreachable");
    }

    /** Definition records (key → value) for YAML text, as a definitions directory would publish them. */
    public static Map<String, Definition> definitions(String cluster, String yaml) {
        DefinitionFiles.FileContent content = new DefinitionFiles(cluster)
                .read(Path.of("/fixtures/test.yaml"), yaml.getBytes(StandardCharsets.UTF_8));
        assertTrue(content.problems().isEmpty(), () -> "fixture does not parse: " + content.problems());
        Map<String, Definition> records = new LinkedHashMap<>();
        for (DefinitionFiles.Document d : content.documents()) {
            records.put(d.key(), Definition.newBuilder()
                    .setCluster(cluster)
                    .setApiVersion(d.kind().apiVersion())
                    .setKind(d.kind().kind())
                    .setNamespace(d.namespace())
                    .setName(d.name())
                    .setDocument(d.json())
                    .setSource("/fixtures/test.yaml")
                    .setObservedAt(Instant.EPOCH)
                    .build());
        }
        return records;
    }

    /** The postgres catalog Functions and Tasks plus {@code planner/postgres-demo.yaml}. */
    public static Map<String, Definition> postgresWorld(String cluster) {
        Map<String, Definition> all = new LinkedHashMap<>();
        for (String file : List.of("postgres-backup-function.yaml", "postgres-backup-task.yaml",
                "postgres-restore-function.yaml", "postgres-restore-task.yaml")) {
            try {
                all.putAll(definitions(cluster, Files.readString(catalog().resolve(file))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        all.putAll(definitions(cluster, resource("/planner/postgres-demo.yaml")));
        return all;
    }

    public static String resource(String path) {
        try (InputStream in = PlannerFixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                fail("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A BackupConfiguration of the postgres Task backing up AppBinding {@code target} (which
     * {@link #appBinding} defines).
     *
     * @param extraSpec YAML lines (not indented) appended to {@code spec}, or null
     */
    public static String backupConfiguration(String name, String target, String extraSpec) {
        return """
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupConfiguration
                metadata:
                  name: %s
                  namespace: demo
                spec:
                  task:
                    name: postgres-backup-16.1
                    params:
                    - name: user
                      value: postgres
                  repository:
                    name: s3-repo
                  target:
                    ref:
                      apiVersion: appcatalog.appscode.com/v1alpha1
                      kind: AppBinding
                      name: %s
                %s""".formatted(name, target, extraSpec == null ? "" : extraSpec.indent(2));
    }

    /** An AppBinding like {@code pg} under another name. */
    public static String appBinding(String name) {
        return """
                apiVersion: appcatalog.appscode.com/v1alpha1
                kind: AppBinding
                metadata:
                  name: %s
                  namespace: demo
                spec:
                  type: kubedb.com/postgres
                  version: "16.1"
                  clientConfig:
                    service:
                      name: %s
                      port: 5432
                      scheme: postgresql
                  secret:
                    name: %s-auth
                """.formatted(name, name, name);
    }

    /** A BackupBatch of the postgres Task over the given AppBindings. */
    public static String backupBatch(String name, String executionOrder, List<String> targets) {
        StringBuilder members = new StringBuilder();
        for (String target : targets) {
            members.append("""
                      - task:
                          name: postgres-backup-16.1
                          params:
                          - name: user
                            value: postgres
                        target:
                          alias: %s
                          ref:
                            apiVersion: appcatalog.appscode.com/v1alpha1
                            kind: AppBinding
                            name: %s
                    """.formatted(target, target));
        }
        return """
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupBatch
                metadata:
                  name: %s
                  namespace: demo
                spec:
                  executionOrder: %s
                  repository:
                    name: s3-repo
                  members:
                %s""".formatted(name, executionOrder, members);
    }

    public static SessionRequested backupRequest(String cluster, String name, String invokerKind, String invoker,
                                                 Instant requestedAt, int retryLeft) {
        return SessionRequested.newBuilder()
                .setCluster(cluster)
                .setNamespace(NAMESPACE)
                .setSessionName(name)
                .setKind(SessionKind.BACKUP)
                .setInvoker(InvokerRef.newBuilder().setApiGroup("stash.appscode.com").setKind(invokerKind)
                        .setName(invoker).build())
                .setRetryLeft(retryLeft)
                .setRequestedAt(requestedAt)
                .setRequestedBy("test")
                .setLabels(Map.of("app", "pg"))
                .build();
    }

    public static SessionRequested restoreRequest(String cluster, String restoreSession, Instant requestedAt) {
        return SessionRequested.newBuilder()
                .setCluster(cluster)
                .setNamespace(NAMESPACE)
                .setSessionName(restoreSession)
                .setKind(SessionKind.RESTORE)
                .setInvoker(InvokerRef.newBuilder().setApiGroup("stash.appscode.com").setKind("RestoreSession")
                        .setName(restoreSession).build())
                .setRequestedAt(requestedAt)
                .setRequestedBy("test")
                .build();
    }

    /**
     * A status of a backup session.
     *
     * @param targets AppBinding name → target phase
     */
    public static SessionStatus status(String cluster, String session, String invokerKind, String invoker,
                                       String phase, Instant updatedAt, Map<String, String> targets) {
        List<TargetStatus> targetStatuses = new ArrayList<>();
        targets.forEach((appBinding, targetPhase) -> targetStatuses.add(TargetStatus.newBuilder()
                .setRef(TargetRef.newBuilder().setApiVersion("appcatalog.appscode.com/v1alpha1").setKind("AppBinding")
                        .setName(appBinding).setNamespace("").build())
                .setPhase(targetPhase)
                .build()));
        return SessionStatus.newBuilder()
                .setSessionKey(SessionKey.newBuilder().setCluster(cluster).setNamespace(NAMESPACE).setName(session)
                        .setKind(SessionKind.BACKUP).build())
                .setInvoker(InvokerRef.newBuilder().setApiGroup("stash.appscode.com").setKind(invokerKind)
                        .setName(invoker).build())
                .setPhase(phase)
                .setTargets(targetStatuses)
                .setUpdatedAt(updatedAt)
                .build();
    }
}
