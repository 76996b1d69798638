package io.stashflow.reporter.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Stash's {@code backupHistoryLimit} rule (§6.6): list the sessions of one invoker newest first; every final
 * session at index ≥ limit is deleted, except that the most recent Succeeded or Failed session is always kept unless
 * the limit is ≤ 0 (stashed/stash#1413). Sessions still running are never deleted.
 */
public final class HistoryPolicy {

    /** Stash's default {@code backupHistoryLimit}. */
    public static final int DEFAULT_LIMIT = 1;

    /** One session of an invoker as the history index knows it. */
    public record Entry(String name, Instant createdAt, String phase) {
    }

    private HistoryPolicy() {
    }

    /** Newest first: by creation time, then by name (session names end in unix seconds). */
    static final Comparator<Entry> NEWEST_FIRST = Comparator.comparing(Entry::createdAt)
            .thenComparing(Entry::name).reversed();

    /** The names of the sessions to delete. */
    public static List<String> toDelete(List<Entry> sessions, int limit) {
        List<Entry> sorted = new ArrayList<>(sessions);
        sorted.sort(NEWEST_FIRST);
        String lastCompleted = sorted.stream()
                .filter(e -> Phases.SUCCEEDED.equals(e.phase()) || Phases.FAILED.equals(e.phase()))
                .map(Entry::name).findFirst().orElse(null);
        List<String> delete = new ArrayList<>();
        for (int i = Math.max(limit, 0); i < sorted.size(); i++) {
            Entry e = sorted.get(i);
            if (!Phases.isFinal(e.phase())) {
                continue;
            }
            if (limit > 0 && e.name().equals(lastCompleted)) {
                continue;
            }
            delete.add(e.name());
        }
        return delete;
    }
}
