package io.stashflow.api.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Behaviour of the embedded registry beyond the port's contract: its log, restarts and several writers. */
class EmbeddedSchemaRegistryTest {

    @Test
    void aNewRegistryOnTheSameLogKeepsIdsAndVersions() {
        InMemorySchemaLog log = new InMemorySchemaLog();
        EmbeddedSchemaRegistry first = new EmbeddedSchemaRegistry(log);
        int customer = first.register("customers-value", TestSchemas.customer(1));
        int v1 = first.register("orders-value", TestSchemas.orderV1());
        int v2 = first.register("orders-value", TestSchemas.orderV2());

        EmbeddedSchemaRegistry restarted = new EmbeddedSchemaRegistry(log);
        assertEquals(v1, restarted.register("orders-value", TestSchemas.orderV1()));
        assertEquals(v2, restarted.lookup("orders-value", TestSchemas.orderV2()).orElseThrow().id());
        assertEquals(customer, restarted.lookup("customers-value", TestSchemas.customer(1)).orElseThrow().id());
        assertEquals(List.of(1, 2), restarted.versions("orders-value"));
        assertEquals(3, log.size(), "registering a known schema again writes nothing");
    }

    @Test
    void aSecondRegistryOnTheSameLogSeesWhatTheFirstRegistered() {
        InMemorySchemaLog log = new InMemorySchemaLog();
        EmbeddedSchemaRegistry a = new EmbeddedSchemaRegistry(log);
        EmbeddedSchemaRegistry b = new EmbeddedSchemaRegistry(log);
        int id = a.register("orders-value", TestSchemas.orderV1());
        assertEquals(TestSchemas.orderV1(), b.byId(id));
        assertEquals(id, b.register("orders-value", TestSchemas.orderV1()));
        int customer = b.register("customers-value", TestSchemas.customer(1));
        assertEquals(id + 1, customer, "b continues after a's ids");
        assertEquals(List.of("customers-value", "orders-value"), a.subjects());
    }

    @Test
    void aRegistrationThatLosesARaceIsProposedAgainFromTheNewerState() {
        InMemorySchemaLog shared = new InMemorySchemaLog();
        EmbeddedSchemaRegistry rival = new EmbeddedSchemaRegistry(shared);
        // the rival registers its schema after we read the log and before our proposal lands, twice
        List<Schema> rivalSchemas = new ArrayList<>(List.of(TestSchemas.orderVariant(1), TestSchemas.orderVariant(2)));
        SchemaLog interfering = new InterferingLog(shared, () -> {
            if (!rivalSchemas.isEmpty()) {
                rival.register("orders-value", rivalSchemas.remove(0));
            }
        });
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(interfering);

        int id = registry.register("orders-value", TestSchemas.orderV1());

        assertEquals(3, id, "ids 1 and 2 went to the rival's schemas");
        assertEquals(List.of(1, 2, 3), registry.versions("orders-value"));
        assertEquals(3, registry.lookup("orders-value", TestSchemas.orderV1()).orElseThrow().version());
        assertEquals(5, shared.size(), "two rival entries, two lost proposals, one accepted");
        assertEquals(registry.versions("orders-value"), rival.versions("orders-value"));
        assertEquals(id, rival.lookup("orders-value", TestSchemas.orderV1()).orElseThrow().id());
    }

    @Test
    void aRivalVersionLandingFirstIsWhatTheRegistrationIsCheckedAgainst() {
        InMemorySchemaLog shared = new InMemorySchemaLog();
        EmbeddedSchemaRegistry rival = new EmbeddedSchemaRegistry(shared);
        rival.register("orders-value", TestSchemas.orderV1());
        // qty widened from int to long: compatible with v1, but our v2 (qty still int) cannot read it
        Schema widened = TestSchemas.record("Order", TestSchemas.ID + ",{\"name\":\"qty\",\"type\":\"long\"}");
        boolean[] rivalDone = {false};
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(new InterferingLog(shared, () -> {
            if (!rivalDone[0]) {
                rivalDone[0] = true;
                rival.register("orders-value", widened);
            }
        }));

        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> registry.register("orders-value", TestSchemas.orderV2()));

        assertEquals(409, e.errorCode());
        assertTrue(e.getMessage().contains("version 2") && e.getMessage().contains("'qty'"), e.getMessage());
        assertEquals(List.of(1, 2), registry.versions("orders-value"));
        assertEquals(3, shared.size(), "v1, the rival's v2, and our lost proposal");
    }

    @Test
    void concurrentRegistriesOnOneLogNeverGiveOneIdToTwoSchemas() throws Exception {
        InMemorySchemaLog log = new InMemorySchemaLog();
        List<EmbeddedSchemaRegistry> registries = List.of(new EmbeddedSchemaRegistry(log),
                new EmbeddedSchemaRegistry(log), new EmbeddedSchemaRegistry(log));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Map<Integer, Integer>>> results = new ArrayList<>();
            for (int worker = 0; worker < 6; worker++) {
                EmbeddedSchemaRegistry registry = registries.get(worker % registries.size());
                int offset = worker;
                Callable<Map<Integer, Integer>> task = () -> {
                    Map<Integer, Integer> idByVariant = new HashMap<>();
                    for (int i = 0; i < 30; i++) {
                        // workers overlap on half of the schemas, so some register the same schema concurrently
                        int variant = (i * 7 + offset * 3) % 60;
                        idByVariant.put(variant, registry.register("s" + (variant % 4) + "-value",
                                TestSchemas.orderVariant(variant)));
                    }
                    return idByVariant;
                };
                results.add(pool.submit(task));
            }
            Map<Integer, Integer> idByVariant = new HashMap<>();
            for (Future<Map<Integer, Integer>> result : results) {
                for (Map.Entry<Integer, Integer> e : result.get().entrySet()) {
                    Integer earlier = idByVariant.putIfAbsent(e.getKey(), e.getValue());
                    assertTrue(earlier == null || earlier.equals(e.getValue()),
                            "schema variant " + e.getKey() + " got ids " + earlier + " and " + e.getValue());
                }
            }
            assertEquals(idByVariant.size(), new HashSet<>(idByVariant.values()).size(),
                    "two schemas share an id: " + idByVariant);
            for (EmbeddedSchemaRegistry registry : registries) {
                for (Map.Entry<Integer, Integer> e : idByVariant.entrySet()) {
                    assertEquals("f" + e.getKey(), registry.byId(e.getValue()).getFields().get(2).name());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theIncompatibilityMessageFollowsConfluentsWording() {
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.inMemory();
        int id = registry.register("orders-value", TestSchemas.orderV1());
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> registry.register("orders-value", TestSchemas.orderWithRequiredPriority()));
        assertTrue(e.getMessage().startsWith("Schema being registered is incompatible with an earlier schema for"
                + " subject \"orders-value\" (version 1, id " + id + ", compatibility BACKWARD): "
                + "READER_FIELD_MISSING_DEFAULT_VALUE: field 'priority'"), e.getMessage());
        assertEquals(List.of(e.getMessage().substring(e.getMessage().indexOf("READER_FIELD"))),
                registry.compatibilityProblems("orders-value", TestSchemas.orderWithRequiredPriority()));
    }

    /** A log that lets a rival write just before each of our appends, as a concurrent registry would. */
    private static final class InterferingLog implements SchemaLog {
        private final SchemaLog delegate;
        private final Runnable beforeAppend;

        InterferingLog(SchemaLog delegate, Runnable beforeAppend) {
            this.delegate = delegate;
            this.beforeAppend = beforeAppend;
        }

        @Override
        public long append(SchemaLogEntry entry) {
            beforeAppend.run();
            return delegate.append(entry);
        }

        @Override
        public long replay(long from, Consumer<SchemaLogEntry> sink) {
            return delegate.replay(from, sink);
        }

        @Override
        public String describe() {
            return "interfering " + delegate.describe();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
