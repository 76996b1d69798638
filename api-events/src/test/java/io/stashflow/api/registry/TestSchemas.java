package io.stashflow.api.registry;

import org.apache.avro.Schema;

/** Small schemas for registry tests, built from JSON so each test shows exactly what changes between versions. */
public final class TestSchemas {

    private TestSchemas() {
    }

    /** {@code record <name> { <fields> }} in namespace {@code test}; fields are JSON objects separated by commas. */
    public static Schema record(String name, String fieldsJson) {
        return SchemaRegistryState.parse("{\"type\":\"record\",\"name\":\"" + name + "\",\"namespace\":\"test\","
                + "\"fields\":[" + fieldsJson + "]}");
    }

    public static final String ID = "{\"name\":\"id\",\"type\":\"string\"}";
    public static final String QTY = "{\"name\":\"qty\",\"type\":\"int\"}";
    public static final String NOTE_WITH_DEFAULT = "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}";
    public static final String PRIORITY_WITHOUT_DEFAULT = "{\"name\":\"priority\",\"type\":\"int\"}";

    /** Order v1: id, qty. */
    public static Schema orderV1() {
        return record("Order", ID + "," + QTY);
    }

    /** Order v2: adds an optional note with a default (BACKWARD compatible with v1). */
    public static Schema orderV2() {
        return record("Order", ID + "," + QTY + "," + NOTE_WITH_DEFAULT);
    }

    /** Order with a new required field (not BACKWARD compatible with v1 or v2). */
    public static Schema orderWithRequiredPriority() {
        return record("Order", ID + "," + QTY + "," + PRIORITY_WITHOUT_DEFAULT);
    }

    /**
     * Order with one optional field of its own ({@code f<variant>}): any two variants are BACKWARD compatible in
     * either order, so concurrent registrations under one subject all succeed.
     */
    public static Schema orderVariant(int variant) {
        return record("Order", ID + "," + QTY + ",{\"name\":\"f" + variant + "\",\"type\":[\"null\",\"string\"],"
                + "\"default\":null}");
    }

    /** Another record type, for tests that need two unrelated schemas. */
    public static Schema customer(int variant) {
        return record("Customer" + variant, "{\"name\":\"name\",\"type\":\"string\"}");
    }
}
