package io.stashflow.planner.definitions;

import com.fasterxml.jackson.databind.JsonNode;
import io.stashflow.api.model.BackupBatch;
import io.stashflow.api.model.BackupConfiguration;
import io.stashflow.api.model.BackupConfigurationTemplateSpec;
import io.stashflow.api.model.ParsedResource;
import io.stashflow.api.model.StashKind;
import io.stashflow.api.model.StashResource;
import io.stashflow.api.model.StashResourceReader;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.events.Definition;
import io.stashflow.planner.lifecycle.TargetKey;
import io.stashflow.planner.resolver.DefinitionLookup;
import io.stashflow.planner.resolver.KindedLookup;
import io.stashflow.planner.resolver.InMemoryDefinitions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The planner's view of every Stash resource of every cluster, as published in {@code stash.definitions}: each
 * record parsed once, when it arrives, with {@link StashResourceReader}, and kept with an index of which invokers back
 * up which target.
 *
 * <p>Written by one thread (the Kafka Streams global thread, through {@link DefinitionsStoreProcessor}, which replays
 * the whole compacted topic on every start) and read by the stream threads; lookups see every update completely or
 * not at all. A record that cannot be parsed is kept as "unreadable": looking it up raises
 * {@link UnreadableDefinitionException} with the parse error, so a session that needs it fails naming the resource,
 * the field and the problem.
 */
public final class DefinitionsView {

    private final StashResourceReader reader = new StashResourceReader();
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** cluster → target → invoker keys ({@code Kind/namespace/name}) that back the target up. */
    private final Map<String, Map<TargetKey, Set<String>>> invokersByTarget = new ConcurrentHashMap<>();
    /** How many records were applied: a reader that saw the same number twice saw the same view. */
    private volatile long version;

    /** One record of the topic: its parsed resource, or why it could not be parsed. */
    private record Entry(StashResource resource, String error, List<TargetKey> targets, String invokerKey) {
    }

    /**
     * Applies one record of {@code stash.definitions}.
     *
     * @param key   {@code cluster/Kind/namespace/name}
     * @param value the definition, or null for a tombstone (deleted)
     * @return the parse error, when the record could not be read
     */
    public synchronized Optional<String> apply(String key, Definition value) {
        try {
            return applyRecord(key, value);
        } finally {
            // after the change, so that a reader who sees the old number saw the view as it was before it
            version++;
        }
    }

    private Optional<String> applyRecord(String key, Definition value) {
        RecordKeys.DefinitionParts parts;
        try {
            parts = RecordKeys.parseDefinition(key);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        Entry previous = value == null ? entries.remove(key) : entries.get(key);
        if (previous != null) {
            unindex(parts.cluster(), previous);
        }
        if (value == null) {
            return Optional.empty();
        }
        Entry entry = parse(parts, value);
        entries.put(key, entry);
        index(parts.cluster(), entry);
        return Optional.ofNullable(entry.error());
    }

    private Entry parse(RecordKeys.DefinitionParts parts, Definition value) {
        String label = parts.kind() + " " + (parts.namespace().isEmpty() ? "" : parts.namespace() + "/") + parts.name();
        String source = value.getSource() == null ? "stash.definitions" : value.getSource();
        try {
            JsonNode document = StashResourceReader.jsonMapper().readTree(value.getDocument());
            ParsedResource parsed = reader.readDocument(document, source);
            StashKind kind = parsed.kind();
            if (!kind.kind().equals(parts.kind())) {
                return new Entry(null, source + ": " + label + ": the document is a " + kind.kind()
                        + ", but its record key says " + parts.kind() + "; republish it under the right key", List.of(),
                        null);
            }
            if (!parsed.resource().name().equals(parts.name())) {
                return new Entry(null, source + ": " + label + ": metadata.name is " + parsed.resource().name()
                        + ", but the record key says " + parts.name() + "; republish it under the right key",
                        List.of(), null);
            }
            return new Entry(parsed.resource(), null, targetsOf(parsed.resource(), parts.namespace()),
                    parts.kind() + "/" + parts.namespace() + "/" + parts.name());
        } catch (io.stashflow.api.model.ResourceParseException e) {
            // the reader's message already names the source, the resource and the field
            return new Entry(null, e.getMessage(), List.of(), null);
        } catch (RuntimeException | java.io.IOException e) {
            return new Entry(null, source + ": " + label + ": the document is not valid JSON: " + e.getMessage(),
                    List.of(), null);
        }
    }

    private static List<TargetKey> targetsOf(StashResource resource, String namespace) {
        List<TargetKey> targets = new ArrayList<>();
        if (resource instanceof BackupConfiguration config && config.spec() != null && config.spec().target() != null
                && config.spec().target().ref() != null) {
            var ref = config.spec().target().ref();
            targets.add(TargetKey.of(ref.kind(), ref.namespace(), ref.name(), namespace));
        } else if (resource instanceof BackupBatch batch && batch.spec() != null) {
            for (BackupConfigurationTemplateSpec member : batch.spec().members()) {
                if (member.target() != null && member.target().ref() != null) {
                    var ref = member.target().ref();
                    targets.add(TargetKey.of(ref.kind(), ref.namespace(), ref.name(), namespace));
                }
            }
        }
        return targets;
    }

    private void index(String cluster, Entry entry) {
        if (entry.invokerKey() == null) {
            return;
        }
        Map<TargetKey, Set<String>> byTarget = invokersByTarget.computeIfAbsent(cluster, c -> new ConcurrentHashMap<>());
        for (TargetKey target : entry.targets()) {
            byTarget.computeIfAbsent(target, t -> ConcurrentHashMap.newKeySet()).add(entry.invokerKey());
        }
    }

    private void unindex(String cluster, Entry entry) {
        if (entry.invokerKey() == null) {
            return;
        }
        Map<TargetKey, Set<String>> byTarget = invokersByTarget.get(cluster);
        if (byTarget == null) {
            return;
        }
        for (TargetKey target : entry.targets()) {
            Set<String> invokers = byTarget.get(target);
            if (invokers != null) {
                invokers.remove(entry.invokerKey());
                if (invokers.isEmpty()) {
                    byTarget.remove(target);
                }
            }
        }
    }

    /** The invokers ({@code Kind/namespace/name}) of {@code cluster} that back up {@code target}. */
    public Set<String> invokersBackingUp(String cluster, TargetKey target) {
        Map<TargetKey, Set<String>> byTarget = invokersByTarget.get(cluster);
        Set<String> invokers = byTarget == null ? null : byTarget.get(target);
        return invokers == null ? Set.of() : new TreeSet<>(invokers);
    }

    /**
     * How many invokers of {@code cluster} back up {@code target} (what {@link #invokersBackingUp} gives, without
     * the copy).
     */
    public int invokerCountBackingUp(String cluster, TargetKey target) {
        Map<TargetKey, Set<String>> byTarget = invokersByTarget.get(cluster);
        Set<String> invokers = byTarget == null ? null : byTarget.get(target);
        return invokers == null ? 0 : invokers.size();
    }

    /**
     * Changes with every record applied (even one that changes nothing), so that what was derived from the view can
     * be reused for as long as the version stays the same.
     */
    public long version() {
        return version;
    }

    /** How many records are held (readable or not). */
    public int size() {
        return entries.size();
    }

    /** How many records could not be parsed. */
    public long unreadable() {
        return entries.values().stream().filter(e -> e.error() != null).count();
    }

    /**
     * The definitions of one cluster, for the resolver. It holds exactly what was published; wrap it with
     * {@code BuiltinDefinitions.withBuiltins} for the built-in Functions and Tasks. A namespaced resource asked for
     * without a namespace is looked up in {@code default}, as kubectl would have created it there.
     */
    public DefinitionLookup lookup(String cluster) {
        return new ClusterLookup(cluster);
    }

    private final class ClusterLookup extends KindedLookup {
        private final String cluster;

        ClusterLookup(String cluster) {
            this.cluster = cluster;
        }

        @Override
        protected <T extends StashResource> Optional<T> find(StashKind kind, Class<T> type, String namespace,
                                                           String name) {
            if (name == null || name.isEmpty()) {
                return Optional.empty();
            }
            String ns = kind.clusterScoped() ? "" : namespace == null || namespace.isEmpty()
                    ? InMemoryDefinitions.DEFAULT_NAMESPACE : namespace;
            Entry entry = entries.get(RecordKeys.definition(cluster, kind.kind(), ns, name));
            if (entry == null) {
                return Optional.empty();
            }
            if (entry.error() != null) {
                throw new UnreadableDefinitionException(kind.kind(), ns, name, entry.error());
            }
            return Optional.of(type.cast(entry.resource()));
        }
    }
}
