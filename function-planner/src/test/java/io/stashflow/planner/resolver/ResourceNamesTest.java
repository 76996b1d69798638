package io.stashflow.planner.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ResourceNamesTest {

    @Test
    void shortNamesFollowStash() {
        assertEquals("stash-backup-pg-backup-1700000000-0", ResourceNames.backupPodName("pg-backup-1700000000", 0));
        assertEquals("stash-restore-pg-restore-2", ResourceNames.restorePodName("pg-restore", 2));
        assertEquals("stash-backup-a-b-c-1", ResourceNames.backupPodName("a.b.c", 1), "dots become dashes");
    }

    @Test
    void longNamesAreShortenedWithAStableHashAndKeepTheIndex() {
        String session = "a-very-long-backup-configuration-name-for-the-accounting-database-1700000000";
        String name = ResourceNames.backupPodName(session, 3);
        assertEquals(63, name.length(), name);
        assertTrue(name.startsWith("stash-backup-a-very-long-backup-configuration-name-"), name);
        assertTrue(name.matches("stash-backup-[a-z0-9-]+-[0-9a-f]{8}-3"), name);
        assertEquals(name, ResourceNames.backupPodName(session, 3), "stable");
        assertTrue(ResourceNames.isDns1123Label(name));
    }

    @Test
    void longNamesThatShareAPrefixStayDistinct() {
        String prefix = "a-very-long-backup-configuration-name-for-the-accounting-database-";
        assertNotEquals(ResourceNames.backupPodName(prefix + "1700000000", 0),
                ResourceNames.backupPodName(prefix + "1700000060", 0));
    }

    @Test
    void interimClaimNames() {
        assertEquals("s-1-data", ResourceNames.interimClaimName("s-1", "data"));
        String longName = ResourceNames.interimClaimName("x".repeat(60) + "-1700000000", "interim");
        assertEquals(63, longName.length());
        assertTrue(longName.matches("x+-[0-9a-f]{8}"), longName);
    }

    @Property
    void theLabelCheckIsTheKubernetesExpression(
            @ForAll @net.jqwik.api.constraints.Chars({'a', 'z', '0', '9', '-', '.', 'A', '_', '\u00e9'})
            @StringLength(min = 0, max = 70) String name) {
        boolean expected = name.length() <= 63 && name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        assertEquals(expected, ResourceNames.isDns1123Label(name), name);
    }

    @Test
    void labelCheckEdges() {
        assertTrue(ResourceNames.isDns1123Label("a"));
        assertTrue(ResourceNames.isDns1123Label("a".repeat(63)));
        assertTrue(!ResourceNames.isDns1123Label("a".repeat(64)));
        assertTrue(!ResourceNames.isDns1123Label("-a") && !ResourceNames.isDns1123Label("a-")
                && !ResourceNames.isDns1123Label("") && !ResourceNames.isDns1123Label("a.b"));
    }

    @Property
    void podNamesAreAlwaysValidLabels(@ForAll @StringLength(min = 1, max = 253) String session,
            @ForAll @IntRange(min = 0, max = 999) int index) {
        String name = ResourceNames.backupPodName(session, index);
        assertTrue(ResourceNames.isDns1123Label(name), name);
        assertTrue(name.endsWith("-" + index), name);
    }
}
