package io.stashflow.api.registry;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry inside the JVM: ids global and stable per canonical schema, versions per subject from 1, BACKWARD
 * compatibility against the subject's latest version enforced with Avro's {@code SchemaCompatibility}, and everything
 * kept in a {@link SchemaLog} (in memory, or a compacted Kafka topic so that ids survive restarts and are shared by
 * every process on the broker).
 *
 * <p>Registering appends a proposal to the log, reads the log back past it, and answers from what the replay decided
 * ({@link SchemaRegistryState}): when another registry on the same log claimed the same version or id first, this one
 * sees that it lost and proposes again from the newer state. Reads catch up with the log first, so they see what other
 * registries wrote; a schema id or a (subject, schema) pair already known is answered without touching the log,
 * because once accepted they never change.
 */
public final class EmbeddedSchemaRegistry implements SchemaRegistry, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

    /** Compatibility level enforced on every subject; the only one this registry implements. */
    public static final String COMPATIBILITY_LEVEL = "BACKWARD";

    /**
     * How often a registration is proposed again after losing a race to another registry on the same log. Each lost
     * race means another registration succeeded, so running out means this many registrations landed in between.
     */
    private static final int MAX_PROPOSALS = 20;

    private final SchemaLog log;
    private final SchemaRegistryState state = new SchemaRegistryState();
    private long position;

    /** A registry over {@code log}, replaying it to its end before answering anything. */
    public EmbeddedSchemaRegistry(SchemaLog log) {
        this.log = Objects.requireNonNull(log, "log");
        synchronized (this) {
            catchUp();
        }
    }

    /** A registry whose schemas live only as long as it does. */
    public static EmbeddedSchemaRegistry inMemory() {
        return new EmbeddedSchemaRegistry(new InMemorySchemaLog());
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        requireSubject(subject);
        Objects.requireNonNull(schema, "schema");
        Optional<RegisteredSchema> known = state.find(subject, schema);
        if (known.isPresent()) {
            return known.get().id();
        }
        catchUp();
        for (int attempt = 1; attempt <= MAX_PROPOSALS; attempt++) {
            known = state.find(subject, schema);
            if (known.isPresent()) {
                return known.get().id();
            }
            Optional<RegisteredSchema> latest = state.latest(subject);
            if (latest.isPresent()) {
                List<String> problems = BackwardCompatibility.problems(schema, latest.get().schema());
                if (!problems.isEmpty()) {
                    throw RegistryErrorCode.INCOMPATIBLE_SCHEMA.exception(incompatibleMessage(subject, latest.get(), problems));
                }
            }
            SchemaLogEntry proposal = state.propose(UUID.randomUUID().toString(), subject, schema);
            long appendedAt = log.append(proposal);
            catchUp();
            if (position <= appendedAt) {
                throw RegistryErrorCode.STORE_ERROR.exception("The " + log.describe() + " did not return the entry"
                        + " just appended at position " + appendedAt + " (read up to " + position + ") while registering"
                        + " a schema for subject \"" + subject + "\"; the log is not readable after a write");
            }
            LOG.debug("proposal {} for subject {} version {} id {} (attempt {})",
                    proposal.proposalId(), subject, proposal.version(), proposal.id(), attempt);
        }
        known = state.find(subject, schema);
        if (known.isPresent()) {
            return known.get().id();
        }
        throw RegistryErrorCode.STORE_ERROR.exception("Could not register a schema for subject \"" + subject + "\" in "
                + MAX_PROPOSALS + " attempts: other registries on the " + log.describe()
                + " kept claiming the same version or id first; retry the registration");
    }

    static String incompatibleMessage(String subject, RegisteredSchema latest, List<String> problems) {
        return "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                + "\" (version " + latest.version() + ", id " + latest.id() + ", compatibility " + COMPATIBILITY_LEVEL
                + "): " + String.join("; ", problems);
    }

    @Override
    public synchronized Schema byId(int id) {
        Optional<Schema> known = state.schema(id);
        if (known.isPresent()) {
            return known.get();
        }
        catchUp();
        return state.schema(id).orElseThrow(() -> RegistryErrorCode.SCHEMA_NOT_FOUND.exception(
                "Schema " + id + " not found"));
    }

    @Override
    public synchronized Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        requireSubject(subject);
        Optional<RegisteredSchema> known = state.find(subject, schema);
        if (known.isPresent()) {
            return known;
        }
        catchUp();
        return state.find(subject, schema);
    }

    @Override
    public synchronized Optional<RegisteredSchema> latest(String subject) {
        requireSubject(subject);
        catchUp();
        return state.latest(subject);
    }

    @Override
    public synchronized RegisteredSchema version(String subject, int version) {
        List<RegisteredSchema> versions = existingVersions(subject);
        if (version < 1 || version > versions.size()) {
            throw RegistryErrorCode.VERSION_NOT_FOUND.exception("Version " + version + " not found for subject \""
                    + subject + "\" (it has versions 1 to " + versions.size() + ")");
        }
        return versions.get(version - 1);
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        requireSubject(subject);
        catchUp();
        return state.latest(subject)
                .map(latest -> BackwardCompatibility.problems(schema, latest.schema()).isEmpty())
                .orElse(true);
    }

    /** Why {@code schema} could not be registered under {@code subject} now; empty when it could. */
    public synchronized List<String> compatibilityProblems(String subject, Schema schema) {
        requireSubject(subject);
        catchUp();
        return state.latest(subject)
                .map(latest -> BackwardCompatibility.problems(schema, latest.schema()))
                .orElse(List.of());
    }

    @Override
    public synchronized List<String> subjects() {
        catchUp();
        return state.subjects();
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        return existingVersions(subject).stream().map(RegisteredSchema::version).toList();
    }

    private List<RegisteredSchema> existingVersions(String subject) {
        requireSubject(subject);
        catchUp();
        List<RegisteredSchema> versions = state.versions(subject);
        if (versions.isEmpty()) {
            throw RegistryErrorCode.SUBJECT_NOT_FOUND.exception("Subject '" + subject + "' not found.");
        }
        return versions;
    }

    private void catchUp() {
        position = log.replay(position, entry -> {
            SchemaRegistryState.Outcome outcome = state.apply(entry);
            if (outcome != SchemaRegistryState.Outcome.ACCEPTED) {
                LOG.debug("schema log entry {} (subject {} version {} id {}) not applied: {}",
                        entry.proposalId(), entry.subject(), entry.version(), entry.id(), outcome);
            }
        });
    }

    private static void requireSubject(String subject) {
        if (subject == null || subject.isEmpty()) {
            throw new IllegalArgumentException("a subject name is required (e.g. <topic>-value)");
        }
    }

    /** Closes the schema log. */
    @Override
    public void close() {
        log.close();
    }

    @Override
    public String toString() {
        return "EmbeddedSchemaRegistry[" + log.describe() + "]";
    }
}
