package io.stashflow.api.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link SchemaRegistryContract}, the port's whole contract, on {@link EmbeddedSchemaRegistry} with an in-memory
 * log: the tests are inherited, this class only supplies the registry. What the embedded registry does beyond the
 * contract (its log, restarts, several writers on one log) is in {@link EmbeddedSchemaRegistryTest}.
 */
class EmbeddedSchemaRegistryContractTest extends SchemaRegistryContract {

    private final EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.inMemory();

    @Override
    protected SchemaRegistry registry() {
        return registry;
    }

    /** The in-memory log's own promise: ids come from the schema, so two fresh registries agree without sharing. */
    @Test
    void twoInMemoryRegistriesGiveTheSameSchemaTheSameId() {
        Schema schema = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Probe\",\"fields\":"
                + "[{\"name\":\"a\",\"type\":\"string\"}]}");
        int here = registry.register("probe-value", schema);
        int there = EmbeddedSchemaRegistry.inMemory().register("probe-value", schema);
        assertEquals(here, there);
        assertEquals(schema, registry.byId(here));
    }
}
