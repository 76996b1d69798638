package io.stashflow.api.registry.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.registry.SchemaRegistry;
import io.stashflow.api.registry.SchemaRegistryContract;
import io.stashflow.testsupport.KafkaTestCluster;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link SchemaRegistryContract}, the port's whole contract, on {@link EmbeddedSchemaRegistry} persisting to a
 * {@link KafkaSchemaLog} topic on the test broker: the tests are inherited, this class only supplies the registry.
 * What the Kafka log adds (the topic's settings, a restarted or second instance on the same topic keeping ids and
 * versions, concurrent writers, foreign records) is in {@link KafkaSchemaLogTest}.
 */
class KafkaBackedSchemaRegistryContractTest extends SchemaRegistryContract {

    private static EmbeddedSchemaRegistry registry;
    private static String topic;

    @BeforeAll
    static void open() {
        KafkaTestCluster cluster = KafkaTestCluster.shared();
        topic = KafkaTestCluster.uniqueName("_schemas");
        registry = new EmbeddedSchemaRegistry(KafkaSchemaLog.open(
                Map.of("bootstrap.servers", cluster.bootstrapServers()), topic, Duration.ofSeconds(30)));
    }

    @AfterAll
    static void close() {
        registry.close();
    }

    @Override
    protected SchemaRegistry registry() {
        return registry;
    }

    /** What this wiring adds to the contract: a second registry on the same topic reads the first one's schemas. */
    @Test
    void aSecondRegistryOnTheSameTopicFindsTheSchema() {
        Schema schema = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"SharedProbe\",\"fields\":"
                + "[{\"name\":\"b\",\"type\":\"long\"}]}");
        int id = registry.register("shared-probe-value", schema);
        try (EmbeddedSchemaRegistry second = new EmbeddedSchemaRegistry(KafkaSchemaLog.open(
                Map.of("bootstrap.servers", KafkaTestCluster.shared().bootstrapServers()), topic,
                Duration.ofSeconds(30)))) {
            assertEquals(schema, second.byId(id));
            assertEquals(id, second.latest("shared-probe-value").orElseThrow().id());
        }
    }
}
