package io.stashflow.api.registry;

import java.util.function.Consumer;

/**
 * Durable, totally ordered storage of {@link SchemaLogEntry} proposals behind the {@link EmbeddedSchemaRegistry}.
 *
 * <p>The order is the truth: registries sharing a log derive ids and versions by replaying it, so an implementation
 * must give every reader the same order, and must never drop or reorder an entry that an earlier replay has seen
 * (entries are unique by {@link SchemaLogEntry#proposalId()}, so a compacting store keeps them all).
 *
 * <p>Positions are opaque increasing numbers (list indexes, Kafka offsets).
 */
public interface SchemaLog extends AutoCloseable {

    /**
     * Appends an entry durably and answers its position. When this returns, a {@link #replay} that starts at or
     * before that position delivers the entry.
     *
     * @throws SchemaRegistryException 500/50001 (or 50002 on timeout) when the store fails
     */
    long append(SchemaLogEntry entry);

    /**
     * Delivers, in log order, every entry at a position {@code >= from} that was appended before this call, and
     * answers the position just after the last delivered entry (the position to pass next time).
     *
     * @throws SchemaRegistryException 500/50001 (or 50002 on timeout) when the store fails
     */
    long replay(long from, Consumer<SchemaLogEntry> sink);

    /** What the log is, for messages (no credentials). */
    String describe();

    @Override
    void close();
}
