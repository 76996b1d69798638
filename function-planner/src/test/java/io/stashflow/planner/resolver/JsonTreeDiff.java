package io.stashflow.planner.resolver;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Compares two JSON trees field by field and lists every differing path. */
final class JsonTreeDiff {

    private JsonTreeDiff() {
    }

    /** One line per difference, e.g. {@code pod.spec.containers[0].args[3]: expected "a" but was "b"}. */
    static List<String> diff(JsonNode expected, JsonNode actual) {
        List<String> differences = new ArrayList<>();
        walk("$", expected, actual, differences);
        return differences;
    }

    private static void walk(String path, JsonNode expected, JsonNode actual, List<String> out) {
        if (expected == null || expected.isMissingNode()) {
            out.add(path + ": unexpected " + actual);
            return;
        }
        if (actual == null || actual.isMissingNode()) {
            out.add(path + ": missing, expected " + expected);
            return;
        }
        if (expected.isObject() && actual.isObject()) {
            Set<String> names = new LinkedHashSet<>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                walk(path + "." + name, expected.get(name), actual.get(name), out);
            }
            return;
        }
        if (expected.isArray() && actual.isArray()) {
            int size = Math.max(expected.size(), actual.size());
            for (int i = 0; i < size; i++) {
                walk(path + "[" + i + "]", expected.get(i), actual.get(i), out);
            }
            return;
        }
        if (expected.isNumber() && actual.isNumber()) {
            // a parsed golden file holds ints where the model wrote longs; compare the values
            if (expected.decimalValue().compareTo(actual.decimalValue()) != 0) {
                out.add(path + ": expected " + expected + " but was " + actual);
            }
            return;
        }
        if (!expected.equals(actual)) {
            out.add(path + ": expected " + expected + " but was " + actual);
        }
    }
}
