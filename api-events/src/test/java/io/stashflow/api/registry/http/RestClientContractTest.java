package io.stashflow.api.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.registry.SchemaRegistry;
import io.stashflow.api.registry.SchemaRegistryContract;
import io.stashflow.api.registry.TestSchemas;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link SchemaRegistryContract}, the port's whole contract, on {@link ConfluentRestSchemaRegistry} talking to
 * {@link SchemaRegistryHttpServer} in front of an in-memory {@link EmbeddedSchemaRegistry}: the tests are inherited,
 * this class only supplies the client. The client's own behaviour against scripted answers (headers, auth, caching,
 * error bodies) is in {@link ConfluentRestSchemaRegistryTest}, the endpoint's in {@link SchemaRegistryHttpServerTest}.
 */
class RestClientContractTest extends SchemaRegistryContract {

    private static EmbeddedSchemaRegistry behind;
    private static SchemaRegistryHttpServer server;
    private static ConfluentRestSchemaRegistry client;

    @BeforeAll
    static void start() {
        behind = EmbeddedSchemaRegistry.inMemory();
        server = SchemaRegistryHttpServer.start(behind, "127.0.0.1", 0);
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

    /** The contract passes on any correct registry; this checks that the client's answers come from the endpoint. */
    @Test
    void theClientReadsAndWritesTheRegistryBehindTheEndpoint() {
        String subject = "through-" + UUID.randomUUID() + "-value";
        int viaClient = client.register(subject, TestSchemas.orderV1());
        assertEquals(viaClient, behind.lookup(subject, TestSchemas.orderV1()).orElseThrow().id());

        int direct = behind.register(subject, TestSchemas.orderV2());
        assertEquals(List.of(1, 2), client.versions(subject));
        assertEquals(direct, client.latest(subject).orElseThrow().id());
        assertEquals(TestSchemas.orderV2(), client.byId(direct));
    }
}
