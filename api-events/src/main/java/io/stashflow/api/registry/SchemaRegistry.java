package io.stashflow.api.registry;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The schema registry as the rest of Stashflow sees it: the subset of Confluent Schema Registry's model that the
 * Confluent-framed serde and the standalone registry endpoint need.
 *
 * <p>Ids are global (one id per distinct schema, shared by every subject that holds it); versions count per subject
 * from 1. Every failure is a {@link SchemaRegistryException} carrying the HTTP status and Confluent's
 * {@code error_code} (see {@link RegistryErrorCode}), whichever implementation raised it, so callers handle the
 * embedded registry and a remote Confluent/Apicurio/Redpanda/Karapace registry alike.
 */
public interface SchemaRegistry {

    /**
     * Registers {@code schema} under {@code subject} and answers its global id. Idempotent: a schema the subject
     * already holds answers its existing id without adding a version.
     *
     * @throws SchemaRegistryException 409/409 when the schema is incompatible with the subject's latest version
     */
    int register(String subject, Schema schema);

    /**
     * The schema with this global id.
     *
     * @throws SchemaRegistryException 404/40403 when no schema has this id
     */
    Schema byId(int id);

    /** The version of {@code subject} that holds {@code schema}, or empty when the subject does not hold it. */
    Optional<RegisteredSchema> lookup(String subject, Schema schema);

    /** The newest version of {@code subject}, or empty when the subject does not exist. */
    Optional<RegisteredSchema> latest(String subject);

    /**
     * One version of a subject.
     *
     * @throws SchemaRegistryException 404/40401 for an unknown subject, 404/40402 for an unknown version
     */
    RegisteredSchema version(String subject, int version);

    /**
     * Whether {@code schema} could be registered under {@code subject} now, that is whether it can read data written
     * with the subject's latest version. A subject that does not exist yet accepts any schema.
     */
    boolean isCompatible(String subject, Schema schema);

    /** Every subject, sorted. */
    List<String> subjects();

    /**
     * The versions of a subject, ascending.
     *
     * @throws SchemaRegistryException 404/40401 for an unknown subject
     */
    List<Integer> versions(String subject);
}
