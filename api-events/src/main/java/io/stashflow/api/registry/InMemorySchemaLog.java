package io.stashflow.api.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link SchemaLog} in a list: for tests and single-JVM use. Several registries may share one instance, which is
 * how the multi-writer rules are tested without a broker.
 */
public final class InMemorySchemaLog implements SchemaLog {

    private final List<SchemaLogEntry> entries = new ArrayList<>();

    @Override
    public synchronized long append(SchemaLogEntry entry) {
        entries.add(entry);
        return entries.size() - 1L;
    }

    @Override
    public long replay(long from, Consumer<SchemaLogEntry> sink) {
        List<SchemaLogEntry> snapshot;
        synchronized (this) {
            // copy first: the sink may be a registry that appends to this same log from another thread
            snapshot = List.copyOf(entries.subList((int) Math.min(from, entries.size()), entries.size()));
        }
        snapshot.forEach(sink);
        return from + snapshot.size();
    }

    /** How many entries were appended, accepted or not. */
    public synchronized int size() {
        return entries.size();
    }

    @Override
    public String describe() {
        return "in-memory schema log";
    }

    @Override
    public void close() {
        // nothing to release: the entries live as long as this object
    }
}
