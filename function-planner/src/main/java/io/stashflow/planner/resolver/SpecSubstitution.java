package io.stashflow.planner.resolver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.stashflow.planner.envsubst.EnvsubstTemplate;
import io.stashflow.planner.envsubst.EnvsubstException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Field-by-field substitution of a JSON tree: every string value is run through
 * {@link io.stashflow.planner.envsubst.Envsubst#evalMap} on its own, and the result is stored as a string again.
 *
 * <p>This is a deliberate departure from Stash, which serialises the whole object to JSON, substitutes the JSON
 * text and parses it back. There a value containing {@code "} or {@code \} corrupts the JSON or changes meaning;
 * here such a value is inserted verbatim. Object field names are not substituted (they are fixed API field names
 * or map keys such as resource names; Stash users do not template them). Only {@code spec} is ever passed in, so
 * {@code ${...}} in metadata (for example in {@code kubectl.kubernetes.io/last-applied-configuration}) is left
 * alone, which is a second departure.
 */
public final class SpecSubstitution {

    private SpecSubstitution() {
    }

    /**
     * A failed substitution inside the tree: where, and what envsubst said.
     *
     * @param path the field path, e.g. {@code spec.args[3]}
     */
    public record Failure(String path, EnvsubstException cause) {
    }

    /** Thrown by {@link #substitute} with the path of the failing field. */
    public static final class SubstitutionFailedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Failure failure;

        SubstitutionFailedException(Failure failure) {
            super(failure.path() + ": " + failure.cause().getMessage(), failure.cause(), false, false);
            this.failure = failure;
        }

        public Failure failure() {
            return failure;
        }
    }

    /** Sees every field that was substituted (not the fields without {@code $}, which are kept as they are). */
    @FunctionalInterface
    public interface FieldObserver {
        /**
         * @param path     the field path, e.g. {@code spec.args[3]}
         * @param template the field's text, parsed
         * @param result   what it was substituted to
         */
        void substituted(String path, EnvsubstTemplate template, String result);
    }

    /** Parsed templates by text. Templates are immutable; the cache is only cleared when it grows too large. */
    private static final Map<String, EnvsubstTemplate> TEMPLATES = new ConcurrentHashMap<>();
    private static final int MAX_TEMPLATES = 4096;

    /**
     * Returns a substituted copy of {@code tree}; the input is not changed.
     *
     * @param rootPath the path of {@code tree} itself, e.g. {@code spec}
     * @throws SubstitutionFailedException at the first field (in document order) that cannot be substituted
     */
    public static JsonNode substitute(JsonNode tree, String rootPath, Map<String, String> values)
            throws SubstitutionFailedException {
        return substitute(tree, rootPath, values, null);
    }

    /**
     * {@link #substitute(JsonNode, String, Map)}, telling {@code observer} (when not null) about every field it
     * substituted, in document order, before the next one is substituted.
     */
    public static JsonNode substitute(JsonNode tree, String rootPath, Map<String, String> values,
                                      FieldObserver observer) throws SubstitutionFailedException {
        return walk(tree, new StringBuilder(rootPath), values, observer);
    }

    /** The parsed form of {@code text}, parsed once and shared (parsing is most of the cost of a substitution). */
    static EnvsubstTemplate template(String text) throws EnvsubstException {
        EnvsubstTemplate template = TEMPLATES.get(text);
        if (template == null) {
            template = EnvsubstTemplate.parse(text);
            if (TEMPLATES.size() >= MAX_TEMPLATES) {
                TEMPLATES.clear();
            }
            TEMPLATES.put(text, template);
        }
        return template;
    }

    private static JsonNode walk(JsonNode node, StringBuilder path, Map<String, String> values,
                                 FieldObserver observer) throws SubstitutionFailedException {
        if (node.isTextual()) {
            String text = node.textValue();
            // Only "${" opens an expression and "$$" is the only other special sequence, so text without "$"
            // is returned unchanged by envsubst; skipping it keeps large specs cheap.
            if (text.indexOf('$') < 0) {
                return node;
            }
            try {
                EnvsubstTemplate template = template(text);
                String result = template.eval(values);
                if (observer != null) {
                    observer.substituted(path.toString(), template, result);
                }
                return TextNode.valueOf(result);
            } catch (EnvsubstException e) {
                throw new SubstitutionFailedException(new Failure(path.toString(), e));
            }
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            int mark = path.length();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                path.append('.').append(field.getKey());
                copy.set(field.getKey(), walk(field.getValue(), path, values, observer));
                path.setLength(mark);
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
            int mark = path.length();
            for (int i = 0; i < node.size(); i++) {
                path.append('[').append(i).append(']');
                copy.add(walk(node.get(i), path, values, observer));
                path.setLength(mark);
            }
            return copy;
        }
        // numbers, booleans and nulls hold no placeholders; value nodes are immutable, so sharing is safe
        return node;
    }
}
