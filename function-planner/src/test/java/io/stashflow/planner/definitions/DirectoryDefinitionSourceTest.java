package io.stashflow.planner.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.events.Definition;
import io.stashflow.events.Rejected;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryDefinitionSourceTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    /** Records what was written; {@link #topic} is the compacted view (latest value per key). */
    static final class RecordingSink implements DirectoryDefinitionSource.Sink {
        final List<Map.Entry<String, Definition>> published = new ArrayList<>();
        final List<Rejected> rejected = new ArrayList<>();
        final Map<String, Definition> topic = new LinkedHashMap<>();
        int flushes;

        @Override
        public void publish(String key, Definition value) {
            published.add(new java.util.AbstractMap.SimpleEntry<>(key, value));
            if (value == null) {
                topic.remove(key);
            } else {
                topic.put(key, value);
            }
        }

        @Override
        public void reject(Rejected value) {
            rejected.add(value);
        }

        @Override
        public void flush() {
            flushes++;
        }

        List<String> drainKeys() {
            List<String> keys = published.stream().map(e -> (e.getValue() == null ? "-" : "+") + e.getKey()).toList();
            published.clear();
            return keys;
        }
    }

    private static String task(String name) {
        return """
                apiVersion: stash.appscode.com/v1beta1
                kind: Task
                metadata:
                  name: %s
                spec:
                  steps:
                  - name: update-status
                """.formatted(name);
    }

    private void write(String file, String content, long mtimeSeconds) throws Exception {
        Path path = dir.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(path, FileTime.from(Instant.ofEpochSecond(mtimeSeconds)));
    }

    @Test
    void publishesFilesThenOnlyTheirChangesAndTombstonesWhatDisappears() throws Exception {
        write("a.yaml", task("t1") + "---\n" + task("t2"), 1);
        write("sub/b.yaml", task("t3"), 1);
        RecordingSink sink = new RecordingSink();
        var source = new DirectoryDefinitionSource(dir, "c1", sink, Map.of(), CLOCK);

        source.syncOnce();
        assertEquals(List.of("+c1/Task//t1", "+c1/Task//t2", "+c1/Task//t3"), sink.drainKeys());
        Definition t3 = sink.topic.get("c1/Task//t3");
        assertEquals(dir.toAbsolutePath().normalize().resolve("sub/b.yaml").toString(), t3.getSource());
        assertEquals("c1", t3.getCluster());
        assertEquals("stash.appscode.com/v1beta1", t3.getApiVersion());
        assertEquals("", t3.getNamespace());
        assertEquals(CLOCK.instant(), t3.getObservedAt());
        assertNull(t3.getResourceVersion());

        source.syncOnce();
        assertEquals(List.of(), sink.drainKeys(), "nothing changed");

        write("a.yaml", task("t1") + "---\n" + task("t2").replace("update-status", "other"), 2);
        source.syncOnce();
        assertEquals(List.of("+c1/Task//t2"), sink.drainKeys());

        Files.delete(dir.resolve("sub/b.yaml"));
        write("a.yaml", task("t2").replace("update-status", "other"), 3);
        source.syncOnce();
        assertEquals(List.of("-c1/Task//t1", "-c1/Task//t3"), sink.drainKeys());
        assertEquals(List.of("c1/Task//t2"), List.copyOf(sink.topic.keySet()));
    }

    @Test
    void aBrokenFileIsRejectedOncePerVersionAndKeepsItsDefinitions() throws Exception {
        write("a.yaml", task("t1"), 1);
        RecordingSink sink = new RecordingSink();
        var source = new DirectoryDefinitionSource(dir, "c1", sink, Map.of(), CLOCK);
        source.syncOnce();
        sink.drainKeys();

        write("a.yaml", "apiVersion: stash.appscode.com/v1beta1\nkind: Task\nmetadata: {name: t1\n", 2);
        source.syncOnce();
        source.syncOnce();
        assertEquals(List.of(), sink.drainKeys(), "t1 stays published");
        assertEquals(1, sink.rejected.size(), "one rejection per version of the file");
        Rejected rejected = sink.rejected.get(0);
        assertEquals("definitions.parse", rejected.getStage());
        assertEquals(dir.toAbsolutePath().normalize().resolve("a.yaml").toString(), rejected.getTopic());
        assertEquals(-1, rejected.getPartition());
        assertTrue(rejected.getError().contains("a.yaml (document 1)"), rejected.getError());
        assertTrue(StandardCharsets.UTF_8.decode(rejected.getValue()).toString().contains("metadata: {name: t1"));

        write("a.yaml", task("t1").replace("update-status", "fixed"), 3);
        source.syncOnce();
        assertEquals(List.of("+c1/Task//t1"), sink.drainKeys());
    }

    @Test
    void afterARestartOnlyDifferencesToWhatTheTopicHoldsArePublished() throws Exception {
        write("a.yaml", task("t1") + "---\n" + task("t2"), 1);
        RecordingSink first = new RecordingSink();
        new DirectoryDefinitionSource(dir, "c1", first, Map.of(), CLOCK).syncOnce();

        // while the source was down: t2 removed from the file, t3 added
        write("a.yaml", task("t1") + "---\n" + task("t3"), 2);
        Map<String, Definition> topic = new LinkedHashMap<>(first.topic);
        Definition foreign = Definition.newBuilder(first.topic.get("c1/Task//t1")).setSource("/elsewhere/x.yaml")
                .setName("t9").build();
        topic.put("c1/Task//t9", foreign);
        Map<String, DefinitionSync.Published> owned = DirectoryDefinitionSource.publishedUnder(dir, "c1", topic);
        assertEquals(2, owned.size(), "records from other sources are not the directory's");

        RecordingSink second = new RecordingSink();
        new DirectoryDefinitionSource(dir, "c1", second, owned, CLOCK).syncOnce();
        assertEquals(List.of("+c1/Task//t3", "-c1/Task//t2"), second.drainKeys());
    }

    @Test
    void aMissingDirectoryIsAnErrorThatSaysWhatToDo() {
        var source = new DirectoryDefinitionSource(dir.resolve("nope"), "c1", new RecordingSink(), Map.of(), CLOCK);
        NoSuchFileException e = assertThrows(NoSuchFileException.class, source::syncOnce);
        assertTrue(e.getMessage().contains("--definitions-dir"), e.getMessage());
    }
}
