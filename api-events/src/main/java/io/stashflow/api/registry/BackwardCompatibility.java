package io.stashflow.api.registry;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityResult;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * BACKWARD compatibility as Confluent defines it: a new schema is accepted when a consumer using it can read data
 * written with the previous schema. Avro's {@link SchemaCompatibility} decides; this class only turns its findings into
 * sentences that name the field, because "READER_FIELD_MISSING_DEFAULT_VALUE at /fields/3" does not tell a person
 * what to change.
 */
public final class BackwardCompatibility {

    private BackwardCompatibility() {
    }

    /**
     * What prevents {@code newSchema} from reading data written with {@code previousSchema}; empty when it can.
     */
    public static List<String> problems(Schema newSchema, Schema previousSchema) {
        SchemaCompatibilityResult result =
                SchemaCompatibility.checkReaderWriterCompatibility(newSchema, previousSchema).getResult();
        if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        for (Incompatibility incompatibility : result.getIncompatibilities()) {
            problems.add(describe(newSchema, incompatibility));
        }
        return List.copyOf(problems);
    }

    static String describe(Schema newSchema, Incompatibility incompatibility) {
        String path = fieldPath(newSchema, incompatibility.getLocation());
        // an empty path is the top-level type itself
        String where = path.isEmpty() ? newSchema.getFullName() : path;
        String detail = incompatibility.getMessage();
        String type = incompatibility.getType().name();
        return switch (incompatibility.getType()) {
            case READER_FIELD_MISSING_DEFAULT_VALUE -> type + ": field '" + fieldName(path, detail)
                    + "' is new and has no default value, so records written with the previous schema cannot be read;"
                    + " give it a default";
            case TYPE_MISMATCH -> type + ": '" + where + "' changed type from "
                    + describeType(incompatibility.getWriterFragment()) + " to "
                    + describeType(incompatibility.getReaderFragment())
                    + ", which cannot read the old values (" + detail + ")";
            case MISSING_ENUM_SYMBOLS -> type + ": enum at '" + where + "' lost symbols " + detail
                    + " that old records may hold; keep them or give the enum a default symbol";
            case MISSING_UNION_BRANCH -> type + ": union at '" + where
                    + "' has no branch that can read the old values (" + detail + ")";
            case NAME_MISMATCH -> type + ": '" + where + "' renamed the type (" + detail
                    + "); add the old name as an alias";
            case FIXED_SIZE_MISMATCH -> type + ": fixed type at '" + where + "' changed size (" + detail + ")";
        };
    }

    /** Avro locates a missing default at the field itself, so the path usually ends with the field's name. */
    private static String fieldName(String path, String field) {
        if (path.isEmpty()) {
            return field;
        }
        return path.equals(field) || path.endsWith("." + field) ? path : path + "." + field;
    }

    private static String describeType(Schema schema) {
        if (schema == null) {
            return "?";
        }
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> schema.getType().getName() + " " + schema.getFullName();
            default -> schema.getType().getName();
        };
    }

    /**
     * Turns Avro's JSON-pointer-like location ({@code /fields/2/type/fields/0/type}) into dotted field names
     * ({@code sessionKey.cluster}) by walking the reader schema. Parts it cannot follow are kept as they are.
     */
    static String fieldPath(Schema schema, String location) {
        if (location == null || location.isEmpty() || location.equals("/")) {
            return "";
        }
        List<String> names = new ArrayList<>();
        Schema current = schema;
        String[] parts = location.substring(location.startsWith("/") ? 1 : 0).split("/");
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (current != null && current.getType() == Schema.Type.RECORD && part.equals("fields")
                    && i + 1 < parts.length && isIndex(parts[i + 1])) {
                int index = Integer.parseInt(parts[++i]);
                if (index < current.getFields().size()) {
                    Schema.Field field = current.getFields().get(index);
                    names.add(field.name());
                    current = field.schema();
                    if (i + 1 < parts.length && parts[i + 1].equals("type")) {
                        i++;
                    }
                    continue;
                }
                names.add("fields[" + index + "]");
                current = null;
            } else if (current != null && current.getType() == Schema.Type.UNION && isIndex(part)
                    && Integer.parseInt(part) < current.getTypes().size()) {
                current = current.getTypes().get(Integer.parseInt(part));
            } else if (current != null && current.getType() == Schema.Type.ARRAY && part.equals("items")) {
                names.add("[]");
                current = current.getElementType();
            } else if (current != null && current.getType() == Schema.Type.MAP && part.equals("values")) {
                names.add("{}");
                current = current.getValueType();
            } else if (current != null && current.getType() == Schema.Type.UNION && !isIndex(part)) {
                // Avro points into the non-null branch of an optional field without naming the branch
                current = firstNonNull(current);
                i--;
            } else if (!part.equals("type") && !part.equals("symbols") && !part.equals("size")
                    && !part.equals("name")) {
                names.add(part);
                current = null;
            }
        }
        return String.join(".", names).replace(".[]", "[]").replace(".{}", "{}");
    }

    private static Schema firstNonNull(Schema union) {
        for (Schema branch : union.getTypes()) {
            if (branch.getType() != Schema.Type.NULL) {
                return branch;
            }
        }
        return null;
    }

    private static boolean isIndex(String part) {
        if (part.isEmpty()) {
            return false;
        }
        for (int i = 0; i < part.length(); i++) {
            if (!Character.isDigit(part.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
