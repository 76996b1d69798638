package io.stashflow.api.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * One document read from a file.
 *
 * @param document the document exactly as written, unknown fields included (treat it as read-only)
 * @param warnings unknown fields and similar remarks, each naming the source, the resource and the field path
 */
public record ParsedResource(StashKind kind, StashResource resource, JsonNode document, List<String> warnings) {

    public ParsedResource {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(document, "document");
        warnings = ModelCollections.list(warnings);
    }

    /** The resource as its record type, e.g. {@code parsed.as(Task.class)}. */
    public <T extends StashResource> T as(Class<T> type) {
        if (!type.isInstance(resource)) {
            throw new IllegalStateException(kind.kind() + " " + resource.name() + " is not a " + type.getSimpleName());
        }
        return type.cast(resource);
    }
}
