package io.stashflow.planner.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.topics.RecordKeys;
import io.stashflow.events.Definition;
import io.stashflow.planner.lifecycle.TargetKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DefinitionsViewTest {

    private final DefinitionsView view = new DefinitionsView();

    private void publish(String cluster, String yaml) {
        var content = new DefinitionFiles(cluster).read(Path.of("/d/x.yaml"), yaml.getBytes(StandardCharsets.UTF_8));
        assertTrue(content.problems().isEmpty(), content.problems()::toString);
        for (var d : content.documents()) {
            view.apply(d.key(), Definition.newBuilder().setCluster(cluster).setApiVersion(d.kind().apiVersion())
                    .setKind(d.kind().kind()).setNamespace(d.namespace()).setName(d.name()).setDocument(d.json())
                    .setSource("/d/x.yaml").setObservedAt(Instant.EPOCH).build());
        }
    }

    private static String config(String name, String target) {
        return """
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupConfiguration
                metadata:
                  name: %s
                  namespace: demo
                spec:
                  target:
                    ref:
                      kind: AppBinding
                      name: %s
                """.formatted(name, target);
    }

    @Test
    void looksUpResourcesOfOneClusterByKindNamespaceAndName() {
        publish("c1", config("bc", "pg"));
        publish("c2", config("other", "pg"));
        var c1 = view.lookup("c1");
        assertEquals("bc", c1.backupConfiguration("demo", "bc").orElseThrow().name());
        assertEquals(Optional.empty(), c1.backupConfiguration("demo", "other"), "another cluster's resource");
        assertEquals(Optional.empty(), c1.backupConfiguration("prod", "bc"));
        assertEquals(Optional.empty(), c1.task("bc"), "kinds are separate");
        assertEquals(2, view.size());
    }

    @Test
    void aNamespacedResourceWithoutNamespaceIsInDefault() {
        publish("c1", """
                apiVersion: stash.appscode.com/v1alpha1
                kind: Repository
                metadata:
                  name: repo
                spec:
                  backend:
                    s3:
                      bucket: b
                """);
        assertTrue(view.lookup("c1").repository(null, "repo").isPresent());
        assertTrue(view.lookup("c1").repository("default", "repo").isPresent());
    }

    @Test
    void tombstonesRemoveResourcesAndTheirTargets() {
        publish("c1", config("a", "pg") + "---\n" + config("b", "pg"));
        TargetKey pg = new TargetKey("AppBinding", "demo", "pg");
        assertEquals(Set.of("BackupConfiguration/demo/a", "BackupConfiguration/demo/b"),
                view.invokersBackingUp("c1", pg));
        view.apply(RecordKeys.definition("c1", "BackupConfiguration", "demo", "a"), null);
        assertEquals(Set.of("BackupConfiguration/demo/b"), view.invokersBackingUp("c1", pg));
        assertTrue(view.lookup("c1").backupConfiguration("demo", "a").isEmpty());
        assertEquals(Set.of(), view.invokersBackingUp("c2", pg));
    }

    @Test
    void aChangedTargetMovesTheInvokerInTheIndex() {
        publish("c1", config("a", "pg"));
        publish("c1", config("a", "mysql"));
        assertEquals(Set.of(), view.invokersBackingUp("c1", new TargetKey("AppBinding", "demo", "pg")));
        assertEquals(Set.of("BackupConfiguration/demo/a"),
                view.invokersBackingUp("c1", new TargetKey("AppBinding", "demo", "mysql")));
    }

    @Test
    void anUnreadableDefinitionFailsItsLookupWithTheReason() {
        String key = RecordKeys.definition("c1", "Task", "", "t");
        Optional<String> error = view.apply(key, Definition.newBuilder().setCluster("c1")
                .setApiVersion("stash.appscode.com/v1beta1").setKind("Task").setName("t")
                .setDocument("{\"apiVersion\":\"stash.appscode.com/v1beta1\",\"kind\":\"Task\","
                        + "\"metadata\":{\"name\":\"t\"},\"spec\":{\"steps\":\"not-a-list\"}}")
                .setSource("agent").setObservedAt(Instant.EPOCH).build());
        assertTrue(error.isPresent());
        var e = assertThrows(UnreadableDefinitionException.class, () -> view.lookup("c1").task("t"));
        assertEquals("Task", e.kind());
        assertTrue(e.getMessage().contains("spec.steps"), e.getMessage());
        assertEquals(1, view.unreadable());
    }

    @Test
    void aDocumentUnderTheWrongKeyIsUnreadable() {
        String key = RecordKeys.definition("c1", "Function", "", "t");
        Optional<String> error = view.apply(key, Definition.newBuilder().setCluster("c1")
                .setApiVersion("stash.appscode.com/v1beta1").setKind("Function").setName("t")
                .setDocument("{\"apiVersion\":\"stash.appscode.com/v1beta1\",\"kind\":\"Task\","
                        + "\"metadata\":{\"name\":\"t\"}}")
                .setObservedAt(Instant.EPOCH).build());
        assertTrue(error.orElseThrow().contains("the document is a Task, but its record key says Function"));
    }
}
