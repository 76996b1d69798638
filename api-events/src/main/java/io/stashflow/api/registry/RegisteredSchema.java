package io.stashflow.api.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/** One version of a subject: what {@code GET /subjects/{subject}/versions/{version}} answers. */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {

    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
        if (version < 1) {
            throw new IllegalArgumentException("versions start at 1, got " + version + " for subject " + subject);
        }
    }
}
