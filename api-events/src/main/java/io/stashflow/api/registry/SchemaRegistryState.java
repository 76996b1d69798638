package io.stashflow.api.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SchemaParseException;

/**
 * The registry's data as a pure state machine over {@link SchemaLogEntry} proposals: no I/O, no clock, no threads.
 *
 * <p>Identity of schemas is Avro's Parsing Canonical Form: two texts that differ only in docs, defaults, aliases,
 * properties or whitespace are the same schema (same id, no new version). That is safe for decoding because the
 * registry's copy is only ever used as the <em>writer</em> schema, and writer-side docs, defaults and aliases play no
 * part in Avro schema resolution.
 *
 * <p>Rules applied to each proposal, in log order (first claim wins; a refused proposal changes nothing):
 * <ol>
 *   <li>the text must parse as an Avro schema;</li>
 *   <li>if the subject already holds the schema, the proposal is a duplicate;</li>
 *   <li>the claimed version must be the subject's latest version + 1 (else another registry got there first);</li>
 *   <li>the claimed id must be the schema's existing id, or, for a schema new to the registry, an id no other schema
 *       holds.</li>
 * </ol>
 * Compatibility is not re-checked here: a writer checks against the latest version it saw and claims the next version
 * number, and rule 3 accepts the claim only if that latest version is still the latest, so an accepted entry was
 * always checked against its real predecessor.
 */
public final class SchemaRegistryState {

    /** What {@link #apply} did with a proposal. */
    public enum Outcome {
        ACCEPTED,
        /** unparsable schema text */
        REFUSED_INVALID_SCHEMA,
        /** the subject already held the schema */
        REFUSED_DUPLICATE,
        /** the version was not the next one */
        REFUSED_VERSION_TAKEN,
        /** the id belongs to another schema, or the schema already has a different id */
        REFUSED_ID_CONFLICT
    }

    private final Map<String, Integer> idByCanonicalForm = new HashMap<>();
    private final Map<Integer, Schema> schemaById = new HashMap<>();
    private final Map<String, List<Version>> versionsBySubject = new TreeMap<>();
    private int highestId;

    private record Version(RegisteredSchema registered, String canonicalForm) {
    }

    /** Applies one proposal from the log. */
    public Outcome apply(SchemaLogEntry entry) {
        Schema schema;
        try {
            schema = parse(entry.schema());
        } catch (SchemaParseException e) {
            return Outcome.REFUSED_INVALID_SCHEMA;
        }
        String canonical = canonicalForm(schema);
        List<Version> versions = versionsBySubject.getOrDefault(entry.subject(), List.of());
        for (Version version : versions) {
            if (version.canonicalForm().equals(canonical)) {
                return Outcome.REFUSED_DUPLICATE;
            }
        }
        if (entry.version() != versions.size() + 1) {
            return Outcome.REFUSED_VERSION_TAKEN;
        }
        Integer existingId = idByCanonicalForm.get(canonical);
        if (existingId != null ? existingId != entry.id() : entry.id() < 1 || schemaById.containsKey(entry.id())) {
            return Outcome.REFUSED_ID_CONFLICT;
        }
        if (existingId == null) {
            idByCanonicalForm.put(canonical, entry.id());
            schemaById.put(entry.id(), schema);
            highestId = Math.max(highestId, entry.id());
        }
        versionsBySubject.computeIfAbsent(entry.subject(), s -> new ArrayList<>())
                .add(new Version(new RegisteredSchema(entry.subject(), entry.version(), entry.id(), schema), canonical));
        return Outcome.ACCEPTED;
    }

    /**
     * The proposal a writer should append to register {@code schema} under {@code subject}, given this state: the next
     * version, and the schema's id or the next free one.
     */
    public SchemaLogEntry propose(String proposalId, String subject, Schema schema) {
        int version = versionsBySubject.getOrDefault(subject, List.of()).size() + 1;
        Integer id = idByCanonicalForm.get(canonicalForm(schema));
        return new SchemaLogEntry(proposalId, subject, version, id != null ? id : highestId + 1, schema.toString());
    }

    /** The version of {@code subject} holding a schema with the same canonical form, if any. */
    public Optional<RegisteredSchema> find(String subject, Schema schema) {
        String canonical = canonicalForm(schema);
        for (Version version : versionsBySubject.getOrDefault(subject, List.of())) {
            if (version.canonicalForm().equals(canonical)) {
                return Optional.of(version.registered());
            }
        }
        return Optional.empty();
    }

    public Optional<Schema> schema(int id) {
        return Optional.ofNullable(schemaById.get(id));
    }

    public Optional<RegisteredSchema> latest(String subject) {
        List<Version> versions = versionsBySubject.getOrDefault(subject, List.of());
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1).registered());
    }

    /** The subject's versions, oldest first; empty for an unknown subject. */
    public List<RegisteredSchema> versions(String subject) {
        return versionsBySubject.getOrDefault(subject, List.of()).stream().map(Version::registered).toList();
    }

    /** Subjects in name order. */
    public List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    /** Avro's Parsing Canonical Form, the registry's notion of "the same schema". */
    public static String canonicalForm(Schema schema) {
        return SchemaNormalization.toParsingForm(schema);
    }

    /** Parses one schema text on its own; a fresh parser each time because a parser remembers every name it saw. */
    public static Schema parse(String text) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw e;
        } catch (RuntimeException e) {
            // Jackson and Avro raise assorted unchecked exceptions for malformed JSON; callers handle one type
            throw new SchemaParseException(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }
}
