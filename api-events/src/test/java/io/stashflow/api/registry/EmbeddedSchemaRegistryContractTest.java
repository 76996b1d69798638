package io.stashflow.api.registry;

/** The port's contract on the embedded registry with an in-memory log. */
class EmbeddedSchemaRegistryContractTest extends SchemaRegistryContract {

    private final EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.inMemory();

    @Override
    protected SchemaRegistry registry() {
        return registry;
    }
}
