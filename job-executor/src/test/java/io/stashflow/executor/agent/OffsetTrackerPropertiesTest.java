package io.stashflow.executor.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Committing never skips a record whose run does not exist yet. */
class OffsetTrackerPropertiesTest {

    @Property(tries = 300)
    void theCommittedOffsetNeverPassesAnOpenRecord(
            @ForAll @Size(min = 1, max = 100) List<@IntRange(min = 0, max = 99) Integer> doneOrder) {
        OffsetTracker<String> t = new OffsetTracker<>();
        int count = 100;
        for (int i = 0; i < count; i++) {
            t.received("p", i);
        }
        TreeSet<Integer> open = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            open.add(i);
        }
        long lastCommitted = -1;
        List<Integer> order = new ArrayList<>(doneOrder);
        for (int offset : order) {
            t.done("p", offset);
            open.remove(offset);
            Map<String, Long> c = t.committable();
            if (c.containsKey("p")) {
                long committed = c.get("p");
                assertTrue(committed > lastCommitted, "commits only move forward");
                long expected = open.isEmpty() ? count : open.first();
                assertEquals(expected, committed, "commit up to the first open record");
                t.committed(c);
                lastCommitted = committed;
            }
        }
    }

    @Test
    void revokedPartitionsAreForgotten() {
        OffsetTracker<String> t = new OffsetTracker<>();
        t.received("a", 5);
        t.received("b", 7);
        t.done("b", 7);
        t.revoke("a");
        assertEquals(Map.of("b", 8L), t.committable());
        t.committed(Map.of("b", 8L));
        assertTrue(t.committable().isEmpty(), "nothing new to commit");
    }
}
