package io.stashflow.executor.runtime;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Which finished runs of one invoker to delete, following Stash's {@code backupHistoryLimit}: newest first, keep the
 * first {@code limit}, delete the rest; a limit of 0 or less keeps nothing. Only runs whose outcomes are durable are
 * ever passed in, so deleting one loses no information.
 */
public final class HistoryPolicy {

    private HistoryPolicy() {
    }

    /** A finished, reported run. */
    public record FinishedRun(String id, Instant finishedAt) {
    }

    public static List<String> toDelete(List<FinishedRun> finished, int limit) {
        int keep = Math.max(limit, 0);
        return finished.stream()
                .sorted(Comparator.comparing(FinishedRun::finishedAt, Comparator.nullsLast(Comparator.reverseOrder()))
                        .thenComparing(FinishedRun::id, Comparator.reverseOrder()))
                .skip(keep)
                .map(FinishedRun::id)
                .toList();
    }
}
