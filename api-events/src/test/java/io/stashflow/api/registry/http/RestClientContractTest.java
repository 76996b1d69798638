package io.stashflow.api.registry.http;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.registry.SchemaRegistry;
import io.stashflow.api.registry.SchemaRegistryContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The port's contract on the REST client talking to the HTTP endpoint in front of an embedded registry. */
class RestClientContractTest extends SchemaRegistryContract {

    private static SchemaRegistryHttpServer server;
    private static ConfluentRestSchemaRegistry client;

    @BeforeAll
    static void start() {
        server = SchemaRegistryHttpServer.start(EmbeddedSchemaRegistry.inMemory(), "127.0.0.1", 0);
        client = ConfluentRestSchemaRegistry.of(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Override
    protected SchemaRegistry registry() {
        return client;
    }
}
