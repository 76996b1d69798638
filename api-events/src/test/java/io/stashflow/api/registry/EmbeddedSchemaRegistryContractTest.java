package io.stashflow.api.registry;

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
}
