package io.stashflow.api.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class BackwardCompatibilityTest {

    @Test
    void addingAFieldWithADefaultIsCompatible() {
        assertEquals(List.of(), BackwardCompatibility.problems(TestSchemas.orderV2(), TestSchemas.orderV1()));
    }

    @Test
    void removingAFieldIsCompatible() {
        assertEquals(List.of(), BackwardCompatibility.problems(TestSchemas.orderV1(), TestSchemas.orderV2()));
    }

    @Test
    void aNewFieldWithoutDefaultIsNamed() {
        List<String> problems = BackwardCompatibility.problems(TestSchemas.orderWithRequiredPriority(),
                TestSchemas.orderV1());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("READER_FIELD_MISSING_DEFAULT_VALUE: field 'priority' is new"),
                problems.get(0));
    }

    @Test
    void aNestedTypeChangeIsNamedWithItsPath() {
        Schema old = TestSchemas.record("Order", TestSchemas.ID + ",{\"name\":\"key\",\"type\":{\"type\":\"record\","
                + "\"name\":\"Key\",\"fields\":[{\"name\":\"cluster\",\"type\":\"string\"}]}}");
        Schema changed = TestSchemas.record("Order", TestSchemas.ID + ",{\"name\":\"key\",\"type\":{\"type\":\"record\","
                + "\"name\":\"Key\",\"fields\":[{\"name\":\"cluster\",\"type\":\"int\"}]}}");
        List<String> problems = BackwardCompatibility.problems(changed, old);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("TYPE_MISMATCH: 'key.cluster' changed type from string to int"),
                problems.get(0));
    }

    @Test
    void aFieldInsideAnOptionalRecordIsNamed() {
        Schema old = TestSchemas.record("Order", "{\"name\":\"extra\",\"type\":[\"null\",{\"type\":\"record\","
                + "\"name\":\"Extra\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}],\"default\":null}");
        Schema changed = TestSchemas.record("Order", "{\"name\":\"extra\",\"type\":[\"null\",{\"type\":\"record\","
                + "\"name\":\"Extra\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\"}]}],"
                + "\"default\":null}");
        List<String> problems = BackwardCompatibility.problems(changed, old);
        assertTrue(problems.stream().anyMatch(p -> p.contains("'extra'")), problems.toString());
    }

    @Test
    void aRemovedEnumSymbolIsNamed() {
        Schema old = TestSchemas.record("Order", "{\"name\":\"state\",\"type\":{\"type\":\"enum\",\"name\":\"State\","
                + "\"symbols\":[\"OPEN\",\"CLOSED\"]}}");
        Schema changed = TestSchemas.record("Order", "{\"name\":\"state\",\"type\":{\"type\":\"enum\",\"name\":\"State\","
                + "\"symbols\":[\"OPEN\"]}}");
        List<String> problems = BackwardCompatibility.problems(changed, old);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("MISSING_ENUM_SYMBOLS: enum at 'state' lost symbols [CLOSED]"),
                problems.get(0));
    }

    @Test
    void anArrayElementFieldIsNamed() {
        Schema old = TestSchemas.record("Order", "{\"name\":\"lines\",\"type\":{\"type\":\"array\",\"items\":{"
                + "\"type\":\"record\",\"name\":\"Line\",\"fields\":[{\"name\":\"sku\",\"type\":\"string\"}]}}}");
        Schema changed = TestSchemas.record("Order", "{\"name\":\"lines\",\"type\":{\"type\":\"array\",\"items\":{"
                + "\"type\":\"record\",\"name\":\"Line\",\"fields\":[{\"name\":\"sku\",\"type\":\"long\"}]}}}");
        List<String> problems = BackwardCompatibility.problems(changed, old);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("'lines[].sku'"), problems.get(0));
    }
}
