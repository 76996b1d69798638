package io.stashflow.api.registry;

import java.util.Objects;

/**
 * One proposal in a {@link SchemaLog}: "subject {@code subject} gets version {@code version}, holding schema
 * {@code schema} under global id {@code id}".
 *
 * <p>A proposal is a claim, not a fact: several registries may append claims concurrently, and every registry replays
 * the log through {@link SchemaRegistryState#apply} with the same first-claim-wins rules, so they all end with the same
 * ids and versions. {@code proposalId} makes every appended entry unique (see {@link SchemaLog}).
 *
 * @param proposalId unique per append (a random UUID)
 * @param subject    the subject
 * @param version    the version claimed: the subject's latest version + 1 as the writer saw it
 * @param id         the global id claimed: the schema's existing id, or a fresh one
 * @param schema     the schema's JSON text as registered
 */
public record SchemaLogEntry(String proposalId, String subject, int version, int id, String schema) {

    public SchemaLogEntry {
        Objects.requireNonNull(proposalId, "proposalId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
