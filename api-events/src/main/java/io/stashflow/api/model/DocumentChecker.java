package io.stashflow.api.model;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyName;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Walks a document next to the Java type it will be read into, before Jackson reads it, to find what Jackson
 * would not report: fields the type does not know (our records ignore them, fabric8 types park them in
 * {@code additionalProperties}), null list elements and map values, and quantities that do not parse.
 * Type mismatches are left to Jackson, which reports them with a path.
 */
final class DocumentChecker {

    /** A document problem found by the walk; the reader adds source and resource to the message. */
    static final class InvalidField extends Exception {

        private static final long serialVersionUID = 1L;
        private final String path;

        InvalidField(String path, String problem) {
            super(problem);
            this.path = path;
        }

        String path() {
            return path;
        }
    }

    /**
     * Fields Stash writes that the fabric8 type standing in for the Go type does not declare. kmodules conditions
     * may carry {@code severity}; fabric8 keeps it in {@code additionalProperties}, so it round-trips.
     */
    private static final Map<Class<?>, List<String>> EXTRA_KNOWN_FIELDS = Map.of(
            Condition.class, List.of("severity"));

    /**
     * Properties whose Go type has more fields than the fabric8 type used for them: AppBinding's {@code appRef}
     * is a kmodules TypedObjectReference (with {@code namespace}), read into fabric8's TypedLocalObjectReference,
     * which keeps the namespace in {@code additionalProperties}.
     */
    private static final Map<Class<?>, Map<String, Class<?>>> CHECKED_AS = Map.of(
            AppBindingSpec.class, Map.of("appRef", TypedObjectReference.class));

    private final ObjectMapper mapper;
    private final ConcurrentMap<JavaType, Map<String, JavaType>> propertiesByType = new ConcurrentHashMap<>();

    DocumentChecker(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The paths of unknown fields, in document order. */
    List<String> check(JsonNode document, Class<?> type) throws InvalidField {
        List<String> unknown = new ArrayList<>();
        walk(document, mapper.constructType(type), "", unknown);
        return unknown;
    }

    private void walk(JsonNode node, JavaType type, String path, List<String> unknown) throws InvalidField {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        Class<?> raw = type.getRawClass();
        if (raw == Quantity.class) {
            checkQuantity(node, path);
            return;
        }
        if (type.isCollectionLikeType() || type.isArrayType()) {
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    JsonNode element = node.get(i);
                    String elementPath = JsonPaths.index(path, i);
                    if (element.isNull()) {
                        throw new InvalidField(elementPath, "empty list entry; remove the \"-\" line or give it a value");
                    }
                    walk(element, type.getContentType(), elementPath, unknown);
                }
            }
            return;
        }
        if (type.isMapLikeType()) {
            if (node.isObject()) {
                for (Map.Entry<String, JsonNode> entry : node.properties()) {
                    String entryPath = JsonPaths.field(path, entry.getKey());
                    if (entry.getValue().isNull()) {
                        throw new InvalidField(entryPath, "no value; give it a value (\"\" for empty) or remove the key");
                    }
                    walk(entry.getValue(), type.getContentType(), entryPath, unknown);
                }
            }
            return;
        }
        if (isLeaf(raw) || !node.isObject()) {
            return;
        }
        Map<String, JavaType> properties = properties(type);
        Map<String, Class<?>> overrides = CHECKED_AS.getOrDefault(raw, Map.of());
        List<String> extra = EXTRA_KNOWN_FIELDS.getOrDefault(raw, List.of());
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String fieldPath = JsonPaths.field(path, field.getKey());
            JavaType fieldType = properties.get(field.getKey());
            if (fieldType == null) {
                if (!extra.contains(field.getKey())) {
                    unknown.add(fieldPath);
                }
                continue;
            }
            Class<?> override = overrides.get(field.getKey());
            walk(field.getValue(), override == null ? fieldType : mapper.constructType(override), fieldPath, unknown);
        }
    }

    private static boolean isLeaf(Class<?> raw) {
        if (raw.isPrimitive() || raw.isEnum() || raw == Object.class || JsonNode.class.isAssignableFrom(raw)) {
            return true;
        }
        // IntOrString and friends carry a free-form value and have their own deserializer; FieldsV1 (in
        // metadata.managedFields of anything read back from a cluster) is free-form by definition
        if (AnyType.class.isAssignableFrom(raw) || raw == FieldsV1.class) {
            return true;
        }
        String packageName = raw.getPackageName();
        return !packageName.startsWith("io.stashflow.") && !packageName.startsWith("io.fabric8.");
    }

    /** JSON field name to declared type of every property Jackson would read for {@code type}. */
    private Map<String, JavaType> properties(JavaType type) {
        // not computeIfAbsent: introspecting LocalSpec looks up Volume, and a ConcurrentHashMap must not be
        // updated from inside its own computeIfAbsent; computing a type twice under a race is harmless
        Map<String, JavaType> known = propertiesByType.get(type);
        if (known == null) {
            known = introspect(type);
            propertiesByType.putIfAbsent(type, known);
        }
        return known;
    }

    private Map<String, JavaType> introspect(JavaType type) {
        if (type.getRawClass() == LocalSpec.class) {
            // the volume source is inline; its name is not part of the JSON
            Map<String, JavaType> properties = new LinkedHashMap<>(properties(mapper.constructType(Volume.class)));
            properties.remove("name");
            for (String own : LocalSpecJson.OWN_FIELDS) {
                properties.put(own, mapper.constructType(String.class));
            }
            return Collections.unmodifiableMap(properties);
        }
        DeserializationConfig config = mapper.getDeserializationConfig();
        BeanDescription description = config.introspect(type);
        Map<String, JavaType> properties = new LinkedHashMap<>();
        for (BeanPropertyDefinition property : description.findProperties()) {
            if (!property.couldDeserialize()) {
                continue;
            }
            properties.put(property.getName(), property.getPrimaryType());
            for (PropertyName alias : property.findAliases()) {
                properties.put(alias.getSimpleName(), property.getPrimaryType());
            }
        }
        return Collections.unmodifiableMap(properties);
    }

    private static void checkQuantity(JsonNode node, String path) throws InvalidField {
        if (!node.isTextual() && !node.isNumber()) {
            return; // Jackson reports the wrong shape
        }
        try {
            Quantity.getAmountInBytes(new Quantity(node.asText()));
        } catch (RuntimeException e) {
            throw new InvalidField(path, "expected a quantity such as 1Gi or 500m, got " + JsonPaths.describe(node));
        }
    }
}
