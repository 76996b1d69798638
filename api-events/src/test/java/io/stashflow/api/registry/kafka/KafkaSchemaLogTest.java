package io.stashflow.api.registry.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.registry.SchemaLog;
import io.stashflow.api.registry.SchemaLogEntry;
import io.stashflow.api.registry.SchemaRegistryException;
import io.stashflow.api.registry.TestSchemas;
import io.stashflow.testsupport.KafkaTestCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The schema log on the test broker: shared ids across instances, restarts, concurrent writers, topic checks. */
class KafkaSchemaLogTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaTestCluster cluster = KafkaTestCluster.shared();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private String topic;

    @BeforeEach
    void uniqueTopic() {
        topic = KafkaTestCluster.uniqueName("_schemas");
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    private Map<String, Object> clientConfig() {
        return Map.of("bootstrap.servers", cluster.bootstrapServers());
    }

    private EmbeddedSchemaRegistry registry() {
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(KafkaSchemaLog.open(clientConfig(), topic, TIMEOUT));
        opened.add(registry);
        return registry;
    }

    @Test
    void theTopicIsCreatedCompactedWithOnePartition() throws Exception {
        registry();
        TopicDescription description = cluster.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        assertEquals(1, description.partitions().size());
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = cluster.admin().describeConfigs(List.of(resource)).all().get().get(resource);
        assertEquals("compact", config.get("cleanup.policy").value());
    }

    @Test
    void aSecondInstanceOnTheSameTopicSeesTheSameIds() {
        EmbeddedSchemaRegistry first = registry();
        EmbeddedSchemaRegistry second = registry();
        int id = first.register("orders-value", TestSchemas.orderV1());

        assertEquals(TestSchemas.orderV1(), second.byId(id));
        assertEquals(id, second.register("orders-value", TestSchemas.orderV1()));
        assertEquals(List.of(1), second.versions("orders-value"));
        int customer = second.register("customers-value", TestSchemas.customer(1));
        assertEquals(customer, first.lookup("customers-value", TestSchemas.customer(1)).orElseThrow().id());
    }

    @Test
    void aRestartedInstanceKeepsIdsAndVersions() {
        EmbeddedSchemaRegistry before = registry();
        int v1 = before.register("orders-value", TestSchemas.orderV1());
        int v2 = before.register("orders-value", TestSchemas.orderV2());
        int customer = before.register("customers-value", TestSchemas.customer(1));
        before.close();
        opened.remove(before);

        EmbeddedSchemaRegistry after = registry();
        assertEquals(List.of("customers-value", "orders-value"), after.subjects());
        assertEquals(List.of(1, 2), after.versions("orders-value"));
        assertEquals(v1, after.version("orders-value", 1).id());
        assertEquals(v2, after.latest("orders-value").orElseThrow().id());
        assertEquals(customer, after.register("customers-value", TestSchemas.customer(1)));
        assertEquals(TestSchemas.customer(1), after.byId(customer));
    }

    @Test
    void concurrentInstancesNeverGiveOneIdToTwoSchemas() throws Exception {
        List<EmbeddedSchemaRegistry> registries = List.of(registry(), registry(), registry());
        ExecutorService pool = Executors.newFixedThreadPool(registries.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Map<Integer, Integer>>> results = new ArrayList<>();
            for (int worker = 0; worker < registries.size(); worker++) {
                EmbeddedSchemaRegistry registry = registries.get(worker);
                int offset = worker;
                Callable<Map<Integer, Integer>> task = () -> {
                    start.await();
                    Map<Integer, Integer> idByVariant = new HashMap<>();
                    for (int i = 0; i < 12; i++) {
                        // overlapping variants and shared subjects: races on versions and on ids
                        int variant = (i + offset * 4) % 20;
                        idByVariant.put(variant, registry.register("s" + (variant % 2) + "-value",
                                TestSchemas.orderVariant(variant)));
                    }
                    return idByVariant;
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            Map<Integer, Integer> idByVariant = new HashMap<>();
            for (Future<Map<Integer, Integer>> result : results) {
                for (Map.Entry<Integer, Integer> e : result.get(2, TimeUnit.MINUTES).entrySet()) {
                    Integer earlier = idByVariant.putIfAbsent(e.getKey(), e.getValue());
                    assertTrue(earlier == null || earlier.equals(e.getValue()),
                            "variant " + e.getKey() + " got ids " + earlier + " and " + e.getValue());
                }
            }
            assertEquals(idByVariant.size(), new HashSet<>(idByVariant.values()).size(),
                    "two schemas share an id: " + idByVariant);
            EmbeddedSchemaRegistry fresh = registry();
            for (EmbeddedSchemaRegistry registry : List.of(registries.get(0), registries.get(1), registries.get(2), fresh)) {
                for (Map.Entry<Integer, Integer> e : idByVariant.entrySet()) {
                    assertEquals("f" + e.getKey(), registry.byId(e.getValue()).getFields().get(2).name());
                }
                assertEquals(fresh.versions("s0-value"), registry.versions("s0-value"));
                assertEquals(fresh.versions("s1-value"), registry.versions("s1-value"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRegistrationThatLosesARaceOnTheTopicIsProposedAgain() {
        EmbeddedSchemaRegistry rival = registry();
        rival.register("orders-value", TestSchemas.orderV1());
        KafkaSchemaLog log = KafkaSchemaLog.open(clientConfig(), topic, TIMEOUT);
        boolean[] rivalDone = {false};
        // the rival's v2 lands between our read of the topic and our write, as with a concurrent process
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(new SchemaLog() {
            @Override
            public long append(SchemaLogEntry entry) {
                if (!rivalDone[0]) {
                    rivalDone[0] = true;
                    rival.register("orders-value", TestSchemas.orderVariant(1));
                }
                return log.append(entry);
            }

            @Override
            public long replay(long from, Consumer<SchemaLogEntry> sink) {
                return log.replay(from, sink);
            }

            @Override
            public String describe() {
                return log.describe();
            }

            @Override
            public void close() {
                log.close();
            }
        });
        opened.add(registry);

        int id = registry.register("orders-value", TestSchemas.orderVariant(2));

        assertEquals(3, registry.lookup("orders-value", TestSchemas.orderVariant(2)).orElseThrow().version());
        assertEquals(id, rival.lookup("orders-value", TestSchemas.orderVariant(2)).orElseThrow().id());
        assertEquals(rival.versions("orders-value"), registry.versions("orders-value"));
        assertEquals(rival.version("orders-value", 2), registry.version("orders-value", 2));
    }

    @Test
    void aTopicWithSeveralPartitionsIsRefused() {
        cluster.createTopic(topic, 3, Map.of("cleanup.policy", "compact"));
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> KafkaSchemaLog.open(clientConfig(), topic, TIMEOUT));
        assertTrue(e.getMessage().contains(topic + " on " + cluster.bootstrapServers() + " has 3 partitions"),
                e.getMessage());
    }

    @Test
    void aTopicThatDeletesOldRecordsIsRefused() {
        cluster.createTopic(topic, 1, Map.of("cleanup.policy", "delete"));
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> KafkaSchemaLog.open(clientConfig(), topic, TIMEOUT));
        assertTrue(e.getMessage().contains("cleanup.policy=delete"), e.getMessage());
        assertTrue(e.getMessage().contains("set cleanup.policy=compact"), e.getMessage());
    }

    @Test
    void recordsThatAreNotOursAreSkipped() throws Exception {
        cluster.createTopic(topic, 1, Map.of("cleanup.policy", "compact"));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProperties())) {
            producer.send(new ProducerRecord<>(topic, bytes("{\"keytype\":\"SCHEMA\",\"subject\":\"x\",\"version\":1}"),
                    bytes("{\"subject\":\"x\",\"version\":1,\"id\":1,\"schema\":\"\\\"string\\\"\"}"))).get();
            producer.send(new ProducerRecord<>(topic, bytes("not json"), bytes("nor this"))).get();
            SchemaLogEntry half = new SchemaLogEntry("p", "y", 1, 1, "\"string\"");
            producer.send(new ProducerRecord<>(topic, bytes(KafkaSchemaLog.keyJson(half)), bytes("{\"subject\":\"y\"}")))
                    .get();
            producer.send(new ProducerRecord<>(topic, bytes(KafkaSchemaLog.keyJson(half)), null)).get();
        }
        EmbeddedSchemaRegistry registry = registry();
        assertEquals(List.of(), registry.subjects());
        assertEquals(1, registry.register("orders-value", TestSchemas.orderV1()));
    }

    @Test
    void recordsUseTheDocumentedJson() {
        SchemaLogEntry entry = new SchemaLogEntry("6f1c", "stash.sessions-value", 2, 7, "\"string\"");
        assertEquals("{\"keytype\":\"STASHFLOW_SCHEMA\",\"subject\":\"stash.sessions-value\",\"version\":2,"
                + "\"proposal\":\"6f1c\"}", KafkaSchemaLog.keyJson(entry));
        assertEquals("{\"proposal\":\"6f1c\",\"subject\":\"stash.sessions-value\",\"version\":2,\"id\":7,"
                + "\"schema\":\"\\\"string\\\"\"}", KafkaSchemaLog.valueJson(entry));
    }

    @Test
    void bootstrapServersAreRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaSchemaLog.open(Map.of(), topic, TIMEOUT));
        assertTrue(e.getMessage().contains("bootstrap.servers"), e.getMessage());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
