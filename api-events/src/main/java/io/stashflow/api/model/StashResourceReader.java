package io.stashflow.api.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads Stash resources from YAML or JSON into the records of this package, and writes them back as JSON.
 *
 * <p>A file may hold several documents ({@code ---}); empty documents are skipped. Every other document must be
 * one of the {@link StashKind}s. Fields the model does not know are kept in {@link ParsedResource#document()} and
 * reported as warnings; a value of the wrong type is a {@link ResourceParseException} naming the source, the
 * document, the resource and the field path. Document contents are never logged.
 *
 * <p>Typing follows the Kubernetes API server rather than Jackson's defaults: {@code "2"} is not an integer,
 * {@code 1.5} is not an integer, {@code "true"} is not a boolean, and an unquoted number or boolean is not a
 * string. The last rule matters because YAML changes such values before anyone sees them: {@code 1.10} becomes
 * 1.1, {@code 0755} becomes 493, {@code yes} becomes true; kubectl rejects them too, so Stash users quote them.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class StashResourceReader {

    private static final ObjectMapper JSON_MAPPER = createJsonMapper();
    private static final ObjectReader YAML_TREE_READER = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build()
            .readerFor(JsonNode.class);
    private static final ObjectReader JSON_TREE_READER = JSON_MAPPER.readerFor(JsonNode.class);

    private final DocumentChecker checker = new DocumentChecker(JSON_MAPPER);

    /**
     * The mapper the model is read and written with. Use it to convert between {@link JsonNode} and the records
     * with the same rules ({@code treeToValue}, {@code valueToTree}); do not reconfigure it, it is shared.
     */
    public static ObjectMapper jsonMapper() {
        return JSON_MAPPER;
    }

    private static ObjectMapper createJsonMapper() {
        JsonMapper mapper = JsonMapper.builder()
                // unknown fields are found and reported by DocumentChecker, and kept in the document
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.USE_DEFAULTS))
                .build();
        // an absent list or map reads as empty, so an empty one is written as absent: round trips stay equal
        JsonInclude.Value omitEmpty = JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY, JsonInclude.Include.NON_EMPTY);
        mapper.configOverride(List.class).setInclude(omitEmpty);
        mapper.configOverride(Collection.class).setInclude(omitEmpty);
        mapper.configOverride(Map.class).setInclude(omitEmpty);
        for (LogicalType numeric : List.of(LogicalType.Integer, LogicalType.Float)) {
            mapper.coercionConfigFor(numeric)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    /** Reads every document of a YAML or JSON file; the file's path names the source in messages. */
    public List<ParsedResource> read(Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the file: " + e.getMessage(), e);
        }
        return read(content, file.toString());
    }

    /**
     * Reads every document of YAML or JSON text.
     *
     * @param sourceName names the text in messages, usually the file name
     */
    public List<ParsedResource> read(String content, String sourceName) {
        List<ParsedResource> resources = new ArrayList<>();
        ObjectReader treeReader = looksLikeJson(content, sourceName) ? JSON_TREE_READER : YAML_TREE_READER;
        int documentIndex = 0;
        try (MappingIterator<JsonNode> documents = treeReader.readValues(content)) {
            while (true) {
                documentIndex++;
                JsonNode document;
                try {
                    if (!documents.hasNextValue()) {
                        break;
                    }
                    document = documents.nextValue();
                } catch (IOException | RuntimeException e) {
                    throw syntaxError(sourceName, documentIndex, e);
                }
                if (document == null || document.isNull() || document.isMissingNode()) {
                    continue; // an empty document, e.g. between two "---" lines
                }
                resources.add(readDocument(document, sourceName, documentIndex));
            }
        } catch (IOException e) {
            throw syntaxError(sourceName, documentIndex, e);
        }
        return List.copyOf(resources);
    }

    /**
     * Reads one document that is already a tree (for example a value of the definitions topic).
     *
     * @param sourceName names the document in messages
     */
    public ParsedResource readDocument(JsonNode document, String sourceName) {
        return readDocument(document, sourceName, 0);
    }

    /** The resource as compact JSON, absent and empty fields omitted. */
    public String toJson(StashResource resource) {
        try {
            return JSON_MAPPER.writeValueAsString(resource);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(describe(resource) + ": cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The resource as a JSON tree, absent and empty fields omitted. */
    public JsonNode toTree(StashResource resource) {
        return JSON_MAPPER.valueToTree(resource);
    }

    private ParsedResource readDocument(JsonNode document, String sourceName, int documentIndex) {
        String where = documentIndex > 0 ? sourceName + " (document " + documentIndex + ")" : sourceName;
        if (!document.isObject()) {
            throw new ResourceParseException(where + ": expected a mapping with apiVersion, kind, metadata and spec, got "
                    + JsonPaths.describe(document));
        }
        String apiVersion = requiredText(document, "apiVersion", where);
        String kindName = requiredText(document, "kind", where);
        StashKind kind = StashKind.of(apiVersion, kindName)
                .orElseThrow(() -> new ResourceParseException(where + ": " + unknownKind(apiVersion, kindName)));

        JsonNode metadata = document.path("metadata");
        String name = metadata.path("name").isTextual() ? metadata.path("name").textValue() : null;
        String namespace = metadata.path("namespace").isTextual() ? metadata.path("namespace").textValue() : null;
        String resourceLabel = kind.kind() + " " + (namespace != null && !kind.clusterScoped() ? namespace + "/" : "")
                + (name == null ? "(unnamed)" : name);
        String prefix = where + ": " + resourceLabel + ": ";
        if (name == null || name.isBlank()) {
            throw new ResourceParseException(prefix + "metadata.name: required; give the " + kind.kind() + " a name");
        }

        List<String> warnings = new ArrayList<>();
        String warningPrefix = sourceName + ": " + resourceLabel + ": ";
        if (kind.clusterScoped() && namespace != null) {
            warnings.add(warningPrefix + "metadata.namespace is ignored, " + kind.kind() + " is cluster-scoped");
        }
        try {
            for (String unknownField : checker.check(document, kind.resourceType())) {
                warnings.add(warningPrefix + "unknown field " + unknownField + " (kept, ignored)");
            }
        } catch (DocumentChecker.InvalidField e) {
            throw new ResourceParseException(prefix + e.path() + ": " + e.getMessage());
        }

        StashResource resource;
        try {
            resource = JSON_MAPPER.treeToValue(document, kind.resourceType());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String path = JsonPaths.path(e);
            throw new ResourceParseException(prefix + (path.isEmpty() ? "" : path + ": ") + JsonPaths.problem(e, document), e);
        }
        if (resource instanceof AppBinding appBinding && appBinding.spec() != null) {
            try {
                // fail at read time rather than when the resolver first needs the addon
                appBinding.spec().stashAddon();
            } catch (IllegalArgumentException e) {
                throw new ResourceParseException(prefix + e.getMessage(), e);
            }
        }
        return new ParsedResource(kind, resource, document, warnings);
    }

    private static String requiredText(JsonNode document, String field, String where) {
        JsonNode value = document.get(field);
        if (value == null || value.isNull()) {
            throw new ResourceParseException(where + ": " + field + ": required; accepted kinds are " + StashKind.accepted());
        }
        if (!value.isTextual()) {
            throw new ResourceParseException(where + ": " + field + ": expected a string, got " + JsonPaths.describe(value));
        }
        return value.textValue();
    }

    private static String unknownKind(String apiVersion, String kind) {
        for (StashKind candidate : StashKind.values()) {
            if (candidate.kind().equals(kind)) {
                return "apiVersion " + apiVersion + " is not served for " + kind + "; use apiVersion: " + candidate.apiVersion();
            }
        }
        return "unknown kind " + kind + " (apiVersion " + apiVersion + "); accepted kinds are " + StashKind.accepted();
    }

    private static ResourceParseException syntaxError(String sourceName, int documentIndex, Exception e) {
        Throwable cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
        StringBuilder message = new StringBuilder(sourceName).append(" (document ").append(documentIndex).append(')');
        if (cause instanceof JsonProcessingException processing) {
            JsonLocation location = processing.getLocation();
            if (location != null && location.getLineNr() > 0) {
                message.append(", line ").append(location.getLineNr()).append(", column ").append(location.getColumnNr());
            }
            message.append(": not valid YAML or JSON: ");
            if (processing.getCause() instanceof MarkedYAMLException yaml) {
                // SnakeYAML's own message quotes the offending lines; keep document contents out of messages
                message.append(yaml.getContext() == null ? "" : yaml.getContext() + ": ").append(yaml.getProblem());
            } else {
                message.append(processing.getOriginalMessage());
            }
        } else {
            message.append(": not valid YAML or JSON: ").append(cause.getMessage());
        }
        return new ResourceParseException(message.toString(), e);
    }

    private static boolean looksLikeJson(String content, String sourceName) {
        if (sourceName != null && sourceName.toLowerCase(Locale.ROOT).endsWith(".json")) {
            return true;
        }
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            if (!Character.isWhitespace(c) && c != '\uFEFF') {
                return c == '{' || c == '[';
            }
        }
        return false;
    }

    private static String describe(StashResource resource) {
        return resource.kind() + " " + (resource.namespace() == null ? "" : resource.namespace() + "/") + resource.name();
    }
}
