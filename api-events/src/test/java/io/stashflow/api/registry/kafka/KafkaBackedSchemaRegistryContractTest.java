package io.stashflow.api.registry.kafka;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.registry.SchemaRegistry;
import io.stashflow.api.registry.SchemaRegistryContract;
import io.stashflow.testsupport.KafkaTestCluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Runs {@link SchemaRegistryContract}, the port's whole contract, on {@link EmbeddedSchemaRegistry} persisting to a
 * {@link KafkaSchemaLog} topic on the test broker: the tests are inherited, this class only supplies the registry.
 * What the Kafka log adds (the topic's settings, a restarted or second instance on the same topic keeping ids and
 * versions, concurrent writers, foreign records) is in {@link KafkaSchemaLogTest}.
 */
class KafkaBackedSchemaRegistryContractTest extends SchemaRegistryContract {

    private static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void open() {
        KafkaTestCluster cluster = KafkaTestCluster.shared();
        registry = new EmbeddedSchemaRegistry(KafkaSchemaLog.open(
                Map.of("bootstrap.servers", cluster.bootstrapServers()),
                KafkaTestCluster.uniqueName("_schemas"), Duration.ofSeconds(30)));
    }

    @AfterAll
    static void close() {
        registry.close();
    }

    @Override
    protected SchemaRegistry registry() {
        return registry;
    }
}
