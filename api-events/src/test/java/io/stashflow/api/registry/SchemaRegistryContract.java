package io.stashflow.api.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SchemaRegistry} implementation must do, run against each of them (embedded in memory, the REST
 * client talking to the HTTP endpoint, the embedded registry on a Kafka log). Subjects are unique per test so that
 * implementations sharing state between tests still isolate them.
 */
public abstract class SchemaRegistryContract {

    protected abstract SchemaRegistry registry();

    private String orders;
    private String customers;

    @BeforeEach
    void uniqueSubjects() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        orders = "orders-" + suffix + "-value";
        customers = "customers-" + suffix + "-value";
    }

    @Test
    void registeringTheSameSchemaTwiceAnswersTheSameIdAndOneVersion() {
        int first = registry().register(orders, TestSchemas.orderV1());
        int second = registry().register(orders, TestSchemas.orderV1());
        assertEquals(first, second);
        assertEquals(List.of(1), registry().versions(orders));
    }

    @Test
    void idsAreGlobalAndVersionsCountPerSubject() {
        int v1 = registry().register(orders, TestSchemas.orderV1());
        int v2 = registry().register(orders, TestSchemas.orderV2());
        int sameSchemaOtherSubject = registry().register(customers, TestSchemas.orderV2());
        assertNotEquals(v1, v2);
        assertEquals(v2, sameSchemaOtherSubject, "one id per schema, whatever the subject");
        assertEquals(List.of(1, 2), registry().versions(orders));
        assertEquals(List.of(1), registry().versions(customers));
        assertEquals(new RegisteredSchema(customers, 1, v2, registry().byId(v2)), registry().version(customers, 1));
    }

    @Test
    void aSchemaDifferingOnlyInDocsIsTheSameSchema() {
        Schema documented = TestSchemas.record("Order", "{\"name\":\"id\",\"type\":\"string\",\"doc\":\"the id\"},"
                + TestSchemas.QTY);
        int id = registry().register(orders, TestSchemas.orderV1());
        assertEquals(id, registry().register(orders, documented));
        assertEquals(List.of(1), registry().versions(orders));
    }

    @Test
    void byIdAnswersTheRegisteredSchema() {
        int id = registry().register(orders, TestSchemas.orderV2());
        assertEquals(SchemaRegistryState.canonicalForm(TestSchemas.orderV2()),
                SchemaRegistryState.canonicalForm(registry().byId(id)));
    }

    @Test
    void anUnknownIdIs40403() {
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> registry().byId(987654));
        assertEquals(404, e.httpStatus());
        assertEquals(40403, e.errorCode());
    }

    @Test
    void lookupFindsTheVersionHoldingASchema() {
        int v1 = registry().register(orders, TestSchemas.orderV1());
        int v2 = registry().register(orders, TestSchemas.orderV2());
        Optional<RegisteredSchema> found = registry().lookup(orders, TestSchemas.orderV1());
        assertTrue(found.isPresent());
        assertEquals(1, found.get().version());
        assertEquals(v1, found.get().id());
        assertEquals(orders, found.get().subject());
        assertEquals(v2, registry().lookup(orders, TestSchemas.orderV2()).orElseThrow().id());
    }

    @Test
    void lookupOfAnAbsentSchemaOrSubjectIsEmpty() {
        registry().register(orders, TestSchemas.orderV1());
        assertEquals(Optional.empty(), registry().lookup(orders, TestSchemas.customer(1)));
        assertEquals(Optional.empty(), registry().lookup(customers, TestSchemas.orderV1()));
    }

    @Test
    void latestIsTheNewestVersion() {
        assertEquals(Optional.empty(), registry().latest(orders));
        registry().register(orders, TestSchemas.orderV1());
        int v2 = registry().register(orders, TestSchemas.orderV2());
        RegisteredSchema latest = registry().latest(orders).orElseThrow();
        assertEquals(2, latest.version());
        assertEquals(v2, latest.id());
    }

    @Test
    void unknownSubjectsAndVersionsCarryConfluentCodes() {
        SchemaRegistryException subject = assertThrows(SchemaRegistryException.class, () -> registry().versions(orders));
        assertEquals(404, subject.httpStatus());
        assertEquals(40401, subject.errorCode());
        assertEquals(40401, assertThrows(SchemaRegistryException.class,
                () -> registry().version(orders, 1)).errorCode());
        registry().register(orders, TestSchemas.orderV1());
        SchemaRegistryException version = assertThrows(SchemaRegistryException.class,
                () -> registry().version(orders, 2));
        assertEquals(404, version.httpStatus());
        assertEquals(40402, version.errorCode());
    }

    @Test
    void anIncompatibleSchemaIsRefusedWith409NamingTheField() {
        registry().register(orders, TestSchemas.orderV1());
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> registry().register(orders, TestSchemas.orderWithRequiredPriority()));
        assertEquals(409, e.httpStatus());
        assertEquals(409, e.errorCode());
        assertTrue(e.getMessage().contains("'priority'"), e.getMessage());
        assertEquals(List.of(1), registry().versions(orders), "a refused schema adds no version");
    }

    @Test
    void isCompatibleChecksAgainstTheLatestVersion() {
        assertTrue(registry().isCompatible(orders, TestSchemas.orderWithRequiredPriority()),
                "a subject without versions accepts anything");
        registry().register(orders, TestSchemas.orderV1());
        assertTrue(registry().isCompatible(orders, TestSchemas.orderV2()));
        assertFalse(registry().isCompatible(orders, TestSchemas.orderWithRequiredPriority()));
    }

    @Test
    void subjectsListsEveryRegisteredSubjectSorted() {
        registry().register(orders, TestSchemas.orderV1());
        registry().register(customers, TestSchemas.customer(1));
        List<String> subjects = registry().subjects();
        assertTrue(subjects.containsAll(List.of(orders, customers)), subjects.toString());
        assertEquals(subjects.stream().sorted().toList(), subjects);
    }

    @Test
    void subjectNamesWithSlashesSpacesAndPlusSignsWork() {
        String odd = "team a/orders+v1 " + UUID.randomUUID() + "-value";
        int id = registry().register(odd, TestSchemas.orderV1());
        assertEquals(id, registry().lookup(odd, TestSchemas.orderV1()).orElseThrow().id());
        assertEquals(List.of(1), registry().versions(odd));
        assertEquals(odd, registry().latest(odd).orElseThrow().subject());
        assertTrue(registry().subjects().contains(odd));
    }
}
