package io.stashflow.executor.kubernetes;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Remembers since when a pod has been stuck in each way, because a waiting container's status has no timestamp of its
 * own. One per observed pod; a condition that clears is forgotten, so a later recurrence starts from zero.
 */
public final class StuckTimer {

    private final Map<String, Instant> since = new HashMap<>();
    private final Set<String> seenThisRound = new HashSet<>();

    /** Since when {@code key} holds, recording {@code now} the first time; {@code knownSince} wins when given. */
    Instant since(String key, Instant now, Instant knownSince) {
        seenThisRound.add(key);
        if (knownSince != null) {
            since.put(key, knownSince);
            return knownSince;
        }
        return since.computeIfAbsent(key, k -> now);
    }

    /** Forgets every condition not seen since the last call. */
    void endRound() {
        since.keySet().retainAll(seenThisRound);
        seenThisRound.clear();
    }
}
