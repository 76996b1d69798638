package io.stashflow.api.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns Jackson's mapping failures into the messages users see: the field path in the notation of the YAML
 * ({@code spec.steps[1].params}) and "expected X, got Y" with a hint how to fix it.
 */
final class JsonPaths {

    private static final Pattern PLAIN_FIELD = Pattern.compile("[A-Za-z0-9_-]+");
    private static final int MAX_VALUE_CHARS = 60;

    private JsonPaths() {
    }

    /** Appends a field to a path: {@code spec} + {@code target} gives {@code spec.target}; odd keys are quoted. */
    static String field(String path, String name) {
        String segment = PLAIN_FIELD.matcher(name).matches() ? name : "[\"" + name.replace("\"", "\\\"") + "\"]";
        if (path.isEmpty()) {
            return segment;
        }
        return segment.startsWith("[") ? path + segment : path + "." + segment;
    }

    static String index(String path, int index) {
        return path + "[" + index + "]";
    }

    /** The failure's location as a path, or "" when Jackson recorded none. */
    static String path(Throwable failure) {
        if (!(failure instanceof JsonMappingException mapping)) {
            return "";
        }
        return path(mapping.getPath());
    }

    static String path(List<JsonMappingException.Reference> references) {
        String path = "";
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                path = field(path, reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path = index(path, reference.getIndex());
            }
        }
        return path;
    }

    /** The failure's path written as a suffix of an enclosing path: {@code .backupTask.params[0]}, or "". */
    static String suffix(Throwable failure) {
        String path = path(failure);
        if (path.isEmpty() || path.startsWith("[")) {
            return path;
        }
        return "." + path;
    }

    /** What is wrong, without the location: "expected an integer, got "two" (write ... )". */
    static String problem(Throwable failure, JsonNode root) {
        if (failure instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            JsonNode actual = failure instanceof JsonMappingException mapping ? at(root, mapping.getPath()) : null;
            String got;
            if (actual != null) {
                got = describe(actual);
            } else if (failure instanceof InvalidFormatException format && format.getValue() != null) {
                got = quote(String.valueOf(format.getValue()));
            } else {
                got = null;
            }
            String expected = expected(mismatch.getTargetType());
            return got == null ? "expected " + expected : "expected " + expected + ", got " + got + hint(mismatch.getTargetType(), actual);
        }
        InputCoercionException outOfRange = find(failure, InputCoercionException.class);
        if (outOfRange != null && outOfRange.getTargetType() != null) {
            JsonNode actual = failure instanceof JsonMappingException mapping ? at(root, mapping.getPath()) : null;
            return "expected " + expected(outOfRange.getTargetType()) + " within " + range(outOfRange.getTargetType())
                    + (actual == null ? "" : ", got " + describe(actual));
        }
        Throwable cause = failure.getCause();
        if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
            return cause.getMessage();
        }
        if (failure instanceof JsonProcessingException processing) {
            return processing.getOriginalMessage();
        }
        return String.valueOf(failure.getMessage());
    }

    private static String range(Class<?> type) {
        if (type == Integer.class || type == int.class) {
            return Integer.MIN_VALUE + ".." + Integer.MAX_VALUE;
        }
        if (type == Long.class || type == long.class) {
            return Long.MIN_VALUE + ".." + Long.MAX_VALUE;
        }
        return "the range of " + type.getSimpleName();
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The node a Jackson path points at in {@code root}, or null when the path leaves the tree. */
    static JsonNode at(JsonNode root, List<JsonMappingException.Reference> references) {
        JsonNode node = root;
        for (JsonMappingException.Reference reference : references) {
            if (node == null) {
                return null;
            }
            if (reference.getFieldName() != null) {
                node = node.get(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                node = node.get(reference.getIndex());
            } else {
                return null;
            }
        }
        return node;
    }

    static String describe(JsonNode node) {
        if (node.isTextual()) {
            return quote(node.textValue());
        }
        if (node.isNumber() || node.isBoolean() || node.isNull()) {
            return node.asText();
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class || type == java.math.BigInteger.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == IntOrString.class) {
            return "an integer or a string";
        }
        if (type == Quantity.class) {
            return "a quantity such as 1Gi or 500m";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "a mapping";
        }
        return "a mapping (" + type.getSimpleName() + ")";
    }

    private static String hint(Class<?> expected, JsonNode actual) {
        if (actual == null) {
            return "";
        }
        String expectedText = expected(expected);
        if (expectedText.equals("an integer") && actual.isTextual()) {
            return " (write a whole number without quotes)";
        }
        if (expectedText.equals("an integer") && actual.isFloatingPointNumber()) {
            return " (write a whole number)";
        }
        if (expectedText.equals("true or false") && !actual.isContainerNode()) {
            return " (write true or false without quotes)";
        }
        if (expectedText.equals("a string") && (actual.isNumber() || actual.isBoolean())) {
            return " (quote the value so YAML keeps the text as written; unquoted, 1.10 reads as 1.1, 0755 as 493, yes as true)";
        }
        if (expectedText.equals("a list") && !actual.isArray()) {
            return " (write a list, one \"- item\" per entry)";
        }
        if (expectedText.startsWith("a mapping") && !actual.isObject()) {
            return " (write the fields as a mapping)";
        }
        return "";
    }

    private static String quote(String text) {
        String shown = text.length() > MAX_VALUE_CHARS ? text.substring(0, MAX_VALUE_CHARS) + "..." : text;
        return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
