package io.stashflow.planner.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * A byte store in front of RocksDB that collects writes and hands them to RocksDB as one write batch: when
 * {@code maxPending} keys are waiting, and whenever Kafka Streams flushes the store (before each commit, so a
 * committed transaction never lacks its state). The planner writes one small record per session; a RocksDB put for
 * each costs a JNI call and a write of its own, about as much as inserting the record.
 *
 * <p>Reads see the pending writes: a lookup checks them first, and a scan first writes them. The changelog is written
 * by the layer above for every put, as before, so what a crash loses locally is restored from it (under
 * {@code exactly_once_v2} Kafka Streams rebuilds a task's state from the changelog after an unclean stop). Writes not
 * yet handed over when the store closes are dropped: Kafka Streams commits a store before a clean close. Everything
 * else (offsets the store may manage, queries, position) is RocksDB's.
 */
final class WriteBatchingStore implements KeyValueStore<Bytes, byte[]> {

    private final KeyValueStore<Bytes, byte[]> rocks;
    private final int maxPending;
    /** Keys written since the last hand-over, in order; a null value is a delete. */
    private final Map<Bytes, byte[]> pending = new LinkedHashMap<>();

    WriteBatchingStore(KeyValueStore<Bytes, byte[]> rocks, int maxPending) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be positive");
        }
        this.rocks = rocks;
        this.maxPending = maxPending;
    }

    /** A persistent (RocksDB) store named {@code name} behind a write batch of up to {@code maxPending} keys. */
    static KeyValueBytesStoreSupplier persistent(String name, int maxPending) {
        KeyValueBytesStoreSupplier rocksDb = Stores.persistentKeyValueStore(name);
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return rocksDb.name();
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new WriteBatchingStore(rocksDb.get(), maxPending);
            }

            @Override
            public String metricsScope() {
                return rocksDb.metricsScope();
            }
        };
    }

    private void handOver() {
        if (pending.isEmpty()) {
            return;
        }
        List<KeyValue<Bytes, byte[]>> batch = new ArrayList<>(pending.size());
        pending.forEach((key, value) -> batch.add(KeyValue.pair(key, value)));
        // RocksDB's putAll is one write batch; a null value deletes
        rocks.putAll(batch);
        pending.clear();
    }

    @Override
    public void put(Bytes key, byte[] value) {
        pending.put(key, value);
        if (pending.size() >= maxPending) {
            handOver();
        }
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        byte[] current = get(key);
        if (current == null) {
            put(key, value);
        }
        return current;
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        for (KeyValue<Bytes, byte[]> entry : entries) {
            put(entry.key, entry.value);
        }
    }

    @Override
    public byte[] delete(Bytes key) {
        byte[] current = get(key);
        put(key, null);
        return current;
    }

    @Override
    public byte[] get(Bytes key) {
        if (pending.containsKey(key)) {
            return pending.get(key);
        }
        return rocks.get(key);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        handOver();
        return rocks.range(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        handOver();
        return rocks.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        handOver();
        return rocks.all();
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        handOver();
        return rocks.reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        handOver();
        return rocks.prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return rocks.approximateNumEntries() + pending.size();
    }

    @Override
    public String name() {
        return rocks.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        rocks.init(context, root);
    }

    @Override
    public void flush() {
        handOver();
        rocks.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        handOver();
        rocks.commit(changelogOffsets);
    }

    @Override
    public boolean managesOffsets() {
        return rocks.managesOffsets();
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return rocks.committedOffset(partition);
    }

    @Override
    public void close() {
        pending.clear();
        rocks.close();
    }

    @Override
    public boolean persistent() {
        return rocks.persistent();
    }

    @Override
    public boolean isOpen() {
        return rocks.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        handOver();
        return rocks.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return rocks.getPosition();
    }
}
