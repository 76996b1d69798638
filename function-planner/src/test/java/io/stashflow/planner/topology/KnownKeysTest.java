package io.stashflow.planner.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class KnownKeysTest {

    @Property
    void everyAddedKeyMayBeContained(@ForAll List<String> keys) {
        KnownKeys filter = new KnownKeys(keys.size());
        keys.forEach(filter::add);
        for (String key : keys) {
            assertTrue(filter.mayContain(key), key);
        }
    }

    @Test
    void fewKeysThatWereNeverAddedLookKnown() {
        KnownKeys filter = KnownKeys.sizedFor(100_000);
        Set<String> added = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String key = sessionKey(i, 1_700_000_000);
            filter.add(key);
            added.add(key);
        }
        int falsePositives = 0;
        for (int i = 0; i < 100_000; i++) {
            String key = sessionKey(i, 1_800_000_000);
            if (!added.contains(key) && filter.mayContain(key)) {
                falsePositives++;
            }
        }
        // sized for twice the keys at 10 bits each: well under the 1 % of a full filter
        assertTrue(falsePositives < 500, falsePositives + " false positives in 100,000");
        assertFalse(filter.full());
    }

    /** Adds {@code <prefix><n>} for n = 0, 1, ... until the filter's newest layer is full; returns how many. */
    private static int fillUntilFull(KnownKeys filter, String prefix) {
        int added = 0;
        while (!filter.full()) {
            filter.add(prefix + added++);
        }
        return added;
    }

    /** A session key as the bench writes them, for the i-th session of a run starting at {@code firstTick}. */
    private static String sessionKey(int i, int firstTick) {
        return "c1/bench-" + (i % 10) + "/pg-backup-" + (i % 100) + "-" + (firstTick + i);
    }

    @Test
    void aFilterSaysWhenItHoldsMoreThanItWasSizedFor() {
        KnownKeys filter = new KnownKeys(0);
        int i = fillUntilFull(filter, "key-");
        assertTrue(i > 65_536, "the smallest filter still takes " + i + " keys");
        assertTrue(filter.mayContain("key-0"));
    }

    @Test
    void aGrownFilterKeepsItsKeysAndTakesAsManyAgainInANewLayer() {
        KnownKeys filter = new KnownKeys(0);
        int first = fillUntilFull(filter, "first-");
        KnownKeys grown = filter.grown();
        assertEquals(2, grown.layers());
        assertEquals(first, grown.added());
        assertFalse(grown.full());
        for (int k = 0; k < first; k++) {
            assertTrue(grown.mayContain("first-" + k), "first-" + k);
        }
        int second = fillUntilFull(grown, "second-");
        // the new layer is sized for everything added before it
        assertTrue(second >= first, second + " keys in the second layer after " + first + " in the first");
        assertEquals(first + second, grown.added());
        assertTrue(grown.mayContain("first-0"));
        assertTrue(grown.mayContain("second-" + (second - 1)));
    }

    @Test
    void layersKeepFalsePositivesNearOnePercentEach() {
        KnownKeys filter = new KnownKeys(0);
        Set<String> added = new HashSet<>();
        for (int i = 0; i < 400_000; i++) {
            String key = sessionKey(i, 1_700_000_000);
            filter.add(key);
            added.add(key);
            if (filter.full()) {
                filter = filter.grown();
            }
        }
        // 65,536 + 65,536 + 131,072 + 262,144 keys of room: four layers for 400,000 keys
        assertEquals(4, filter.layers());
        int falsePositives = 0;
        for (int i = 0; i < 100_000; i++) {
            String key = sessionKey(i, 1_800_000_000);
            if (!added.contains(key) && filter.mayContain(key)) {
                falsePositives++;
            }
        }
        assertTrue(falsePositives < 4 * 1_000, falsePositives + " false positives in 100,000 over four layers");
        for (String key : added) {
            assertTrue(filter.mayContain(key), key);
        }
    }
}
