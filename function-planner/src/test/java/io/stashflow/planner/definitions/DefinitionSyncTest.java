package io.stashflow.planner.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DefinitionSyncTest {

    private final DefinitionFiles files = new DefinitionFiles("c1");

    private DefinitionFiles.FileContent file(String path, String yaml) {
        return files.read(Path.of(path), yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static String task(String name, String fn) {
        return """
                apiVersion: stash.appscode.com/v1beta1
                kind: Task
                metadata:
                  name: %s
                spec:
                  steps:
                  - name: %s
                """.formatted(name, fn);
    }

    private static Map<String, DefinitionSync.Published> published(DefinitionFiles.FileContent... contents) {
        var all = new java.util.HashMap<String, DefinitionSync.Published>();
        for (var content : contents) {
            for (var d : content.documents()) {
                all.put(d.key(), new DefinitionSync.Published(d.json(), content.file().toString()));
            }
        }
        return all;
    }

    @Test
    void newAndChangedDocumentsArePublishedUnchangedOnesAreNot() {
        var before = file("/d/a.yaml", task("t1", "f") + "---\n" + task("t2", "f"));
        var after = file("/d/a.yaml", task("t1", "f") + "---\n" + task("t2", "g") + "---\n" + task("t3", "f"));
        var changes = DefinitionSync.changes(published(before), List.of(after));
        assertEquals(List.of("c1/Task//t2", "c1/Task//t3"),
                changes.upserts().stream().map(u -> u.document().key()).toList());
        assertTrue(changes.tombstones().isEmpty());
        assertTrue(DefinitionSync.changes(published(after), List.of(after)).isEmpty());
    }

    @Test
    void removedDocumentsAndDeletedFilesBecomeTombstones() {
        var a = file("/d/a.yaml", task("t1", "f") + "---\n" + task("t2", "f"));
        var b = file("/d/b.yaml", task("t3", "f"));
        var aWithoutT2 = file("/d/a.yaml", task("t1", "f"));
        var changes = DefinitionSync.changes(published(a, b), List.of(aWithoutT2));
        assertEquals(List.of("c1/Task//t2", "c1/Task//t3"), changes.tombstones());
        assertTrue(changes.upserts().isEmpty());
    }

    @Test
    void aFileWithProblemsKeepsItsPublishedDefinitions() {
        var a = file("/d/a.yaml", task("t1", "f") + "---\n" + task("t2", "f"));
        var broken = file("/d/a.yaml", task("t1", "g") + "---\nkind: Task\napiVersion: stash.appscode.com/v1beta1\n");
        var changes = DefinitionSync.changes(published(a), List.of(broken));
        assertTrue(changes.tombstones().isEmpty(), "t2 stays published until the file is fixed");
        assertEquals(List.of("c1/Task//t1"), changes.upserts().stream().map(u -> u.document().key()).toList(),
                "the good documents of the file are still published");
        assertEquals(1, changes.rejections().size());
        assertEquals(Path.of("/d/a.yaml"), changes.rejections().get(0).file());
    }

    @Test
    void aResourceMovedToAnotherFileIsRepublishedWithItsNewSource() {
        var a = file("/d/a.yaml", task("t1", "f"));
        var b = file("/d/b.yaml", task("t1", "f"));
        var changes = DefinitionSync.changes(published(a), List.of(file("/d/a.yaml", ""), b));
        assertEquals(1, changes.upserts().size());
        assertEquals(Path.of("/d/b.yaml"), changes.upserts().get(0).file());
        assertTrue(changes.tombstones().isEmpty());
    }

    @Test
    void whenTwoFilesDefineTheSameResourceTheLaterOneWinsWithAWarning() {
        var a = file("/d/a.yaml", task("t1", "f"));
        var b = file("/d/b.yaml", task("t1", "g"));
        var changes = DefinitionSync.changes(Map.of(), List.of(a, b));
        assertEquals(1, changes.upserts().size());
        assertEquals(Path.of("/d/b.yaml"), changes.upserts().get(0).file());
        assertTrue(changes.warnings().get(0).contains("/d/a.yaml and /d/b.yaml"), changes.warnings()::toString);
    }
}
