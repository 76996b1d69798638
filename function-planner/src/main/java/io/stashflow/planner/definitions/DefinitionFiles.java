package io.stashflow.planner.definitions;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.stashflow.api.model.ParsedResource;
import io.stashflow.api.model.StashKind;
import io.stashflow.api.model.StashResourceReader;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.planner.resolver.InMemoryDefinitions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads the Stash resources of a definitions directory: every {@code .yaml}, {@code .yml} and {@code .json} file
 * below it (hidden files and directories skipped), each document on its own.
 *
 * <p>A document whose {@code apiVersion}/{@code kind} is not a Stash kind (a Secret or a Deployment kept next to the
 * Stash resources, as examples do) is not a definition and is skipped. A Stash document that does not parse is a
 * {@link Problem} with the message of {@link StashResourceReader} (file, document, resource, field); so is a file
 * that is not valid YAML or JSON, and so is a document larger than {@link #MAX_DOCUMENT_BYTES}. Document contents never
 * appear in messages.
 */
public final class DefinitionFiles {

    private static final ObjectReader YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build()
            .readerFor(JsonNode.class);

    /**
     * The largest a definition may be, as JSON. What the planner makes of a definition (a {@code JobPlanned} carrying
     * every step's container) must still fit in one Kafka record, 1 MiB by default; a larger document would fail
     * every publication of its directory. Real Stash resources are a few KiB, and {@code kubectl apply} cannot apply
     * objects beyond 256 KiB either (its last-applied annotation may not be larger).
     */
    public static final int MAX_DOCUMENT_BYTES = 256 * 1024;

    private final StashResourceReader reader = new StashResourceReader();
    private final String cluster;

    public DefinitionFiles(String cluster) {
        this.cluster = cluster;
    }

    /** One Stash resource read from a file. */
    public record Document(String key, StashKind kind, String namespace, String name, Long generation,
                           String json, List<String> warnings) {
    }

    /** Something in a file that could not be read. {@code content} is what to keep with the rejection. */
    public record Problem(String message, byte[] content) {
    }

    /** What one file holds. */
    public record FileContent(Path file, List<Document> documents, List<Problem> problems) {
        public FileContent {
            documents = List.copyOf(documents);
            problems = List.copyOf(problems);
        }
    }

    /** The definition files below {@code directory}, in a stable order. */
    public static List<Path> list(Path directory) throws IOException {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !hidden(directory, p))
                    .filter(p -> {
                        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
                    })
                    .map(Path::toAbsolutePath)
                    .map(Path::normalize)
                    .sorted()
                    .toList();
        }
    }

    private static boolean hidden(Path root, Path file) {
        for (Path part : root.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** Reads one file's documents. */
    public FileContent read(Path file, byte[] bytes) {
        String source = file.toString();
        String content = new String(bytes, StandardCharsets.UTF_8);
        List<Document> documents = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        List<JsonNode> trees = new ArrayList<>();
        int index = 0;
        try (MappingIterator<JsonNode> iterator = YAML.readValues(content)) {
            while (true) {
                index++;
                JsonNode tree;
                try {
                    if (!iterator.hasNextValue()) {
                        break;
                    }
                    tree = iterator.nextValue();
                } catch (IOException | RuntimeException e) {
                    problems.add(new Problem(syntax(source, index, e), bytes));
                    return new FileContent(file, List.of(), problems);
                }
                trees.add(tree);
            }
        } catch (IOException e) {
            problems.add(new Problem(syntax(source, index, e), bytes));
            return new FileContent(file, List.of(), problems);
        }
        for (int i = 0; i < trees.size(); i++) {
            JsonNode tree = trees.get(i);
            if (tree == null || tree.isNull() || tree.isMissingNode()) {
                continue;
            }
            String where = source + " (document " + (i + 1) + ")";
            if (tree.isObject() && tree.path("apiVersion").isTextual() && tree.path("kind").isTextual()
                    && !isStashKindName(tree.path("kind").textValue())) {
                continue; // not a Stash resource: not a definition
            }
            try {
                ParsedResource parsed = reader.readDocument(tree, where);
                Document document = document(parsed);
                byte[] json = document.json().getBytes(StandardCharsets.UTF_8);
                if (json.length > MAX_DOCUMENT_BYTES) {
                    problems.add(new Problem(where + ": " + document.kind().kind() + " " + document.name() + " is "
                            + json.length + " bytes as JSON, more than the " + MAX_DOCUMENT_BYTES + " a definition may"
                            + " have (what is planned from it must fit in one Kafka record); make it smaller, e.g. by"
                            + " moving long scripts into the image", json));
                } else {
                    documents.add(document);
                }
            } catch (RuntimeException e) {
                problems.add(new Problem(e.getMessage(), json(tree).getBytes(StandardCharsets.UTF_8)));
            }
        }
        return new FileContent(file, documents, problems);
    }

    /** Whether a kind name is one of Stash's (with any apiVersion: a wrong apiVersion is a problem, not a skip). */
    private static boolean isStashKindName(String kind) {
        for (StashKind candidate : StashKind.values()) {
            if (candidate.kind().equals(kind)) {
                return true;
            }
        }
        return false;
    }

    private Document document(ParsedResource parsed) {
        StashKind kind = parsed.kind();
        String name = parsed.resource().name();
        String namespace = kind.clusterScoped() ? ""
                : parsed.resource().namespace() == null || parsed.resource().namespace().isEmpty()
                ? InMemoryDefinitions.DEFAULT_NAMESPACE : parsed.resource().namespace();
        JsonNode generation = parsed.document().path("metadata").path("generation");
        return new Document(RecordKeys.definition(cluster, kind.kind(), namespace, name), kind, namespace, name,
                generation.isIntegralNumber() ? generation.longValue() : null, json(parsed.document()),
                parsed.warnings());
    }

    private static String json(JsonNode tree) {
        try {
            return StashResourceReader.jsonMapper().writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a document as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String syntax(String source, int index, Exception e) {
        StringBuilder message = new StringBuilder(source).append(" (document ").append(index).append(')');
        Throwable cause = e.getCause() instanceof JsonProcessingException ? e.getCause() : e;
        if (cause instanceof JsonProcessingException processing) {
            JsonLocation location = processing.getLocation();
            if (location != null && location.getLineNr() > 0) {
                message.append(", line ").append(location.getLineNr()).append(", column ")
                        .append(location.getColumnNr());
            }
            message.append(": not valid YAML or JSON: ").append(firstLine(processing.getOriginalMessage()));
        } else {
            message.append(": not valid YAML or JSON: ").append(firstLine(String.valueOf(cause.getMessage())));
        }
        return message.append("; fix the file (the definitions it held before stay published meanwhile)").toString();
    }

    /** SnakeYAML quotes the offending lines after the first; keep document contents out of messages. */
    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
