package io.stashflow.api.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Normalisation used by the compact constructors of the model records: an absent list or map becomes an
 * empty one, and every list or map is copied into an unmodifiable one so a parsed definition can be shared
 * between threads without anyone changing it underneath the others.
 */
final class ModelCollections {

    private ModelCollections() {
    }

    /** An unmodifiable copy in the same order; empty when {@code list} is null. Null elements are refused. */
    static <T> List<T> list(List<T> list) {
        if (list == null || list.isEmpty()) {
            return List.of();
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw new IllegalArgumentException("list element " + i + " is null; remove it or give it a value");
            }
        }
        return Collections.unmodifiableList(new ArrayList<>(list));
    }

    /**
     * An unmodifiable copy that keeps the insertion order (unlike {@link Map#copyOf}), so labels and annotations
     * come out in the order they were written; empty when {@code map} is null. Null keys or values are refused.
     */
    static <V> Map<String, V> map(Map<String, V> map) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        map.forEach((key, value) -> {
            if (key == null || value == null) {
                throw new IllegalArgumentException("map entry " + key + " has a null key or value; give it a value");
            }
        });
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
