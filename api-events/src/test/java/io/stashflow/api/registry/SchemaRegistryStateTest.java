package io.stashflow.api.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stashflow.api.registry.SchemaRegistryState.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaRegistryStateTest {

    private final SchemaRegistryState state = new SchemaRegistryState();

    private static SchemaLogEntry entry(String proposal, String subject, int version, int id, String schema) {
        return new SchemaLogEntry(proposal, subject, version, id, schema);
    }

    @Test
    void proposalsStartAtVersionOneAndIdOne() {
        SchemaLogEntry proposal = state.propose("p1", "orders-value", TestSchemas.orderV1());
        assertEquals(1, proposal.version());
        assertEquals(1, proposal.id());
        assertEquals(Outcome.ACCEPTED, state.apply(proposal));
        SchemaLogEntry next = state.propose("p2", "orders-value", TestSchemas.orderV2());
        assertEquals(2, next.version());
        assertEquals(2, next.id());
    }

    @Test
    void aKnownSchemaIsProposedWithItsIdUnderAnotherSubject() {
        state.apply(state.propose("p1", "orders-value", TestSchemas.orderV1()));
        SchemaLogEntry proposal = state.propose("p2", "copies-value", TestSchemas.orderV1());
        assertEquals(1, proposal.version());
        assertEquals(1, proposal.id());
        assertEquals(Outcome.ACCEPTED, state.apply(proposal));
        assertEquals(1, state.find("copies-value", TestSchemas.orderV1()).orElseThrow().id());
    }

    @Test
    void theFirstClaimOnAVersionWins() {
        // two registries saw the same state and both claimed version 1 with id 1 for different schemas
        SchemaLogEntry first = entry("a", "orders-value", 1, 1, TestSchemas.orderV1().toString());
        SchemaLogEntry second = entry("b", "orders-value", 1, 1, TestSchemas.orderV2().toString());
        assertEquals(Outcome.ACCEPTED, state.apply(first));
        assertEquals(Outcome.REFUSED_VERSION_TAKEN, state.apply(second));
        assertEquals(List.of(1), state.versions("orders-value").stream().map(RegisteredSchema::version).toList());
        assertEquals("Order", state.schema(1).orElseThrow().getName());
    }

    @Test
    void aNewSchemaCannotTakeAnIdAnotherSchemaHolds() {
        assertEquals(Outcome.ACCEPTED, state.apply(entry("a", "orders-value", 1, 1, TestSchemas.orderV1().toString())));
        assertEquals(Outcome.REFUSED_ID_CONFLICT,
                state.apply(entry("b", "customers-value", 1, 1, TestSchemas.customer(1).toString())));
        assertEquals(Outcome.ACCEPTED,
                state.apply(entry("c", "customers-value", 1, 2, TestSchemas.customer(1).toString())));
    }

    @Test
    void aKnownSchemaMustKeepItsId() {
        state.apply(entry("a", "orders-value", 1, 1, TestSchemas.orderV1().toString()));
        assertEquals(Outcome.REFUSED_ID_CONFLICT,
                state.apply(entry("b", "copies-value", 1, 5, TestSchemas.orderV1().toString())));
    }

    @Test
    void idsBelowOneAreRefused() {
        assertEquals(Outcome.REFUSED_ID_CONFLICT,
                state.apply(entry("a", "orders-value", 1, 0, TestSchemas.orderV1().toString())));
    }

    @Test
    void aSecondClaimOfTheSameSchemaIsADuplicate() {
        state.apply(entry("a", "orders-value", 1, 1, TestSchemas.orderV1().toString()));
        assertEquals(Outcome.REFUSED_DUPLICATE,
                state.apply(entry("b", "orders-value", 2, 1, TestSchemas.orderV1().toString())));
        assertEquals(1, state.versions("orders-value").size());
    }

    @Test
    void unparsableTextIsRefused() {
        assertEquals(Outcome.REFUSED_INVALID_SCHEMA, state.apply(entry("a", "orders-value", 1, 1, "{\"type\":")));
        assertEquals(Outcome.REFUSED_INVALID_SCHEMA,
                state.apply(entry("b", "orders-value", 1, 1, "{\"type\":\"record\",\"name\":\"X\"}")));
        assertEquals(List.of(), state.subjects());
    }

    @Test
    void replayingTheSameLogGivesTheSameState() {
        List<SchemaLogEntry> log = List.of(
                entry("a", "orders-value", 1, 1, TestSchemas.orderV1().toString()),
                entry("b", "orders-value", 1, 2, TestSchemas.orderV2().toString()),
                entry("c", "orders-value", 2, 2, TestSchemas.orderV2().toString()),
                entry("d", "customers-value", 1, 2, TestSchemas.customer(1).toString()),
                entry("e", "customers-value", 1, 3, TestSchemas.customer(1).toString()));
        SchemaRegistryState other = new SchemaRegistryState();
        List<Outcome> outcomes = log.stream().map(state::apply).toList();
        List<Outcome> otherOutcomes = log.stream().map(other::apply).toList();
        assertEquals(List.of(Outcome.ACCEPTED, Outcome.REFUSED_VERSION_TAKEN, Outcome.ACCEPTED,
                Outcome.REFUSED_ID_CONFLICT, Outcome.ACCEPTED), outcomes);
        assertEquals(outcomes, otherOutcomes);
        assertEquals(state.versions("orders-value"), other.versions("orders-value"));
        assertEquals(3, other.find("customers-value", TestSchemas.customer(1)).orElseThrow().id());
    }
}
