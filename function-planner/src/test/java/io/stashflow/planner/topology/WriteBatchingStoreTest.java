package io.stashflow.planner.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WriteBatchingStore} answers like the RocksDB store behind it would without the batch: random puts, deletes,
 * lookups, scans and flushes, checked against a sorted map after every step, with batches small enough to be handed
 * over many times in between.
 */
class WriteBatchingStoreTest {

    @TempDir
    Path stateDir;

    @Test
    void itAnswersLikeAStoreWithoutTheBatch() throws Exception {
        for (int seed = 0; seed < 5; seed++) {
            Random random = new Random(seed);
            KeyValueStore<Bytes, byte[]> store = open("s" + seed, 1 + random.nextInt(7));
            TreeMap<Bytes, byte[]> model = new TreeMap<>();
            for (int step = 0; step < 3000; step++) {
                Bytes key = Bytes.wrap(("k" + random.nextInt(40)).getBytes(StandardCharsets.UTF_8));
                byte[] value = ("v" + step).getBytes(StandardCharsets.UTF_8);
                switch (random.nextInt(7)) {
                    case 0, 1 -> {
                        store.put(key, value);
                        model.put(key, value);
                    }
                    case 2 -> assertArrayEquals(model.remove(key), store.delete(key), "delete at step " + step);
                    case 3 -> {
                        assertArrayEquals(model.get(key), store.putIfAbsent(key, value), "putIfAbsent " + step);
                        model.putIfAbsent(key, value);
                    }
                    case 4 -> {
                        List<KeyValue<Bytes, byte[]>> entries = new ArrayList<>();
                        entries.add(KeyValue.pair(key, value));
                        entries.add(KeyValue.pair(Bytes.wrap("k0".getBytes(StandardCharsets.UTF_8)), null));
                        store.putAll(entries);
                        model.put(key, value);
                        model.remove(Bytes.wrap("k0".getBytes(StandardCharsets.UTF_8)));
                    }
                    case 5 -> assertEquals(contents(model), scan(store), "scan at step " + step);
                    default -> store.flush();
                }
                assertArrayEquals(model.get(key), store.get(key), "get at step " + step);
            }
            store.flush();
            assertEquals(contents(model), scan(store));
            store.close();
        }
    }

    @Test
    void nothingWaitingIsLostAtACommit() throws Exception {
        KeyValueStore<Bytes, byte[]> store = open("commit", 1000);
        Bytes key = Bytes.wrap("k".getBytes(StandardCharsets.UTF_8));
        store.put(key, "v".getBytes(StandardCharsets.UTF_8));
        store.commit(Map.of());
        store.close();
        KeyValueStore<Bytes, byte[]> again = open("commit", 1000);
        assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), again.get(key));
        again.close();
    }

    private KeyValueStore<Bytes, byte[]> open(String name, int maxPending) {
        Properties properties = new Properties();
        properties.put("application.id", "write-batching-test");
        properties.put("bootstrap.servers", "unused:9092");
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(properties, new TaskId(0, 0),
                stateDir.toFile());
        KeyValueStore<Bytes, byte[]> store = WriteBatchingStore.persistent(name, maxPending).get();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    private static List<String> scan(KeyValueStore<Bytes, byte[]> store) {
        List<String> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            all.forEachRemaining(kv -> out.add(kv.key + "=" + new String(kv.value, StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static List<String> contents(TreeMap<Bytes, byte[]> model) {
        List<String> out = new ArrayList<>();
        model.forEach((k, v) -> out.add(k + "=" + new String(v, StandardCharsets.UTF_8)));
        return out;
    }
}
