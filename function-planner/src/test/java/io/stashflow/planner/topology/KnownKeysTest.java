package io.stashflow.planner.topology;

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
            String key = "c1/bench-" + (i % 10) + "/pg-backup-" + (i % 100) + "-" + (1_700_000_000 + i);
            filter.add(key);
            added.add(key);
        }
        int falsePositives = 0;
        for (int i = 0; i < 100_000; i++) {
            String key = "c1/bench-" + (i % 10) + "/pg-backup-" + (i % 100) + "-" + (1_800_000_000 + i);
            if (!added.contains(key) && filter.mayContain(key)) {
                falsePositives++;
            }
        }
        // sized for twice the keys at 10 bits each: well under the 1 % of a full filter
        assertTrue(falsePositives < 500, falsePositives + " false positives in 100,000");
        assertFalse(filter.full());
    }

    @Test
    void aFilterSaysWhenItHoldsMoreThanItWasSizedFor() {
        KnownKeys filter = new KnownKeys(0);
        int i = 0;
        while (!filter.full()) {
            filter.add("key-" + i++);
        }
        assertTrue(i > 65_536, "the smallest filter still takes " + i + " keys");
        assertTrue(filter.mayContain("key-0"));
    }
}
