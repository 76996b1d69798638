package io.stashflow.planner.definitions;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.api.rejected.RejectedSink;
import io.stashflow.api.rejected.Rejections;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.events.Definition;
import io.stashflow.events.Rejected;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the Stash resources of a directory of YAML/JSON files to {@code stash.definitions} for one cluster, and
 * keeps them in step: the directory is polled (every two seconds by default, which works on every file system,
 * unlike a WatchService on network or container mounts), changed files are read again, and what changed is published
 * ({@link DefinitionSync}). Deleted files and documents become tombstones. {@code Definition.source} is the file's
 * absolute path, which is also how the source recognises, after a restart, the records it published earlier: it
 * reads the topic once at start and from then on writes only differences.
 *
 * <p>Documents or files that cannot be read go to {@code stash.rejected} (stage {@value #STAGE}) with the file and
 * the reason, once per version of the file.
 */
public final class DirectoryDefinitionSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryDefinitionSource.class);
    public static final String STAGE = "definitions.parse";

    /** Where the source writes. */
    public interface Sink {
        /** Publishes a definition; {@code value} null is a tombstone. */
        void publish(String key, Definition value);

        /** Records a rejection. */
        void reject(Rejected rejected);

        /** Returns once everything published so far is acknowledged; throws if something was not. */
        void flush();
    }

    /** Told what each pass wrote (rejections counted once per version of a file). */
    public interface SyncListener {
        void synced(int published, int deleted, int rejected);
    }

    private record CachedFile(long modified, long size, DefinitionFiles.FileContent content, int contentHash) {
    }

    private final Path directory;
    private final String cluster;
    private final Sink sink;
    private final Clock clock;
    private final DefinitionFiles files;
    private final Map<String, DefinitionSync.Published> published;
    private final Map<Path, CachedFile> cache = new HashMap<>();
    /** Files whose problems were reported, by path and content hash, so each version is reported once. */
    private final Set<String> reported = new HashSet<>();
    private ScheduledExecutorService poller;
    private SyncListener listener = (published, deleted, rejected) -> { };

    /**
     * @param alreadyPublished what the topic holds from this directory (see {@link #publishedUnder})
     */
    public DirectoryDefinitionSource(Path directory, String cluster, Sink sink,
                                     Map<String, DefinitionSync.Published> alreadyPublished, Clock clock) {
        this.directory = directory.toAbsolutePath().normalize();
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.files = new DefinitionFiles(cluster);
        this.published = new HashMap<>(alreadyPublished);
    }

    /** Sets who hears about each pass (metrics). */
    public DirectoryDefinitionSource onSync(SyncListener syncListener) {
        this.listener = Objects.requireNonNull(syncListener, "syncListener");
        return this;
    }

    public Path directory() {
        return directory;
    }

    /** Reads the directory and publishes what changed; returns what was written. */
    public synchronized DefinitionSync.Changes syncOnce() throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "the definitions directory does not exist;"
                    + " create it or point --definitions-dir at the directory holding the Stash YAML files");
        }
        List<DefinitionFiles.FileContent> contents = new ArrayList<>();
        Set<Path> present = new HashSet<>();
        for (Path file : DefinitionFiles.list(directory)) {
            present.add(file);
            try {
                contents.add(read(file));
            } catch (NoSuchFileException e) {
                // deleted between listing and reading: the next poll sees it gone
            }
        }
        cache.keySet().retainAll(present);
        DefinitionSync.Changes changes = DefinitionSync.changes(published, contents);
        Instant now = clock.instant();
        for (DefinitionSync.Upsert upsert : changes.upserts()) {
            var document = upsert.document();
            Definition definition = Definition.newBuilder()
                    .setCluster(cluster)
                    .setApiVersion(document.kind().apiVersion())
                    .setKind(document.kind().kind())
                    .setNamespace(document.namespace())
                    .setName(document.name())
                    .setGeneration(document.generation())
                    .setResourceVersion(null)
                    .setDocument(document.json())
                    .setSource(upsert.file().toString())
                    .setObservedAt(now)
                    .build();
            sink.publish(document.key(), definition);
        }
        for (String key : changes.tombstones()) {
            sink.publish(key, null);
        }
        List<String> newlyReported = new ArrayList<>();
        for (DefinitionSync.Rejection rejection : changes.rejections()) {
            CachedFile cached = cache.get(rejection.file());
            String id = rejection.file() + "#" + (cached == null ? 0 : cached.contentHash()) + "#"
                    + rejection.problem().message().hashCode();
            if (!reported.contains(id)) {
                sink.reject(Rejections.ofSource(rejection.file().toString(), rejection.problem().content(), STAGE,
                        rejection.problem().message(), clock));
                newlyReported.add(id);
            }
        }
        sink.flush();
        reported.addAll(newlyReported);
        for (DefinitionSync.Upsert upsert : changes.upserts()) {
            published.put(upsert.document().key(),
                    new DefinitionSync.Published(upsert.document().json(), upsert.file().toString()));
        }
        changes.tombstones().forEach(published::remove);
        listener.synced(changes.upserts().size(), changes.tombstones().size(), newlyReported.size());
        for (String warning : changes.warnings()) {
            LOG.warn("{}", warning);
        }
        if (!changes.upserts().isEmpty() || !changes.tombstones().isEmpty()) {
            LOG.info("definitions from {}: {} published, {} deleted", directory, changes.upserts().size(),
                    changes.tombstones().size());
        }
        return changes;
    }

    private DefinitionFiles.FileContent read(Path file) throws IOException {
        long modified = Files.getLastModifiedTime(file).toMillis();
        long size = Files.size(file);
        CachedFile cached = cache.get(file);
        if (cached != null && cached.modified() == modified && cached.size() == size) {
            return cached.content();
        }
        byte[] bytes = Files.readAllBytes(file);
        DefinitionFiles.FileContent content = files.read(file, bytes);
        cache.put(file, new CachedFile(modified, size, content, Arrays.hashCode(bytes)));
        return content;
    }

    /** Polls the directory every {@code interval} on a daemon thread, after a first synchronous sync. */
    public void start(Duration interval) throws IOException {
        syncOnce();
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "definitions-" + directory.getFileName());
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(() -> {
            try {
                syncOnce();
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot sync definitions from {} (retrying in {}): {}", directory, interval, e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
            try {
                poller.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The definitions of {@code cluster} in {@code topicContents} that a directory source of {@code directory}
     * published (their source is a file below it).
     */
    public static Map<String, DefinitionSync.Published> publishedUnder(Path directory, String cluster,
                                                                      Map<String, Definition> topicContents) {
        String prefix = directory.toAbsolutePath().normalize() + java.io.File.separator;
        Map<String, DefinitionSync.Published> owned = new HashMap<>();
        topicContents.forEach((key, definition) -> {
            if (definition.getSource() != null && definition.getSource().startsWith(prefix)
                    && cluster.equals(definition.getCluster())) {
                owned.put(key, new DefinitionSync.Published(definition.getDocument(), definition.getSource()));
            }
        });
        return owned;
    }

    /**
     * Reads a compacted definitions topic from the beginning to its current end: the latest definition per key
     * (tombstoned keys left out).
     */
    public static Map<String, Definition> readTopic(Consumer<String, Definition> consumer, String topic,
                                                    Duration timeout) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        Map<String, Definition> latest = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
            }
            for (ConsumerRecord<String, Definition> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.key() == null) {
                    continue;
                }
                if (record.value() == null) {
                    latest.remove(record.key());
                } else {
                    latest.put(record.key(), record.value());
                }
            }
        }
        return latest;
    }

    /** A sink writing to Kafka: definitions to the definitions topic, rejections through a {@link RejectedSink}. */
    public static Sink kafkaSink(Producer<String, Definition> producer, String definitionsTopic,
                                 RejectedSink rejectedSink, String eventSource, Duration timeout) {
        return new Sink() {
            private final List<Future<?>> pending = new ArrayList<>();

            @Override
            public void publish(String key, Definition value) {
                RecordKeys.parseDefinition(key);
                ProducerRecord<String, Definition> record = new ProducerRecord<>(definitionsTopic, key, value);
                CloudEventHeaders.write(record.headers(), CloudEventHeaders.Attributes.of(eventSource,
                        EventTypes.of(Definition.class), key));
                pending.add(producer.send(record));
            }

            @Override
            public void reject(Rejected rejected) {
                rejectedSink.reject(rejected);
            }

            @Override
            public void flush() {
                producer.flush();
                try {
                    for (Future<?> future : pending) {
                        future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while publishing definitions", e);
                } catch (ExecutionException | TimeoutException e) {
                    throw new IllegalStateException("could not publish definitions to " + definitionsTopic + ": "
                            + e.getMessage(), e);
                } finally {
                    pending.clear();
                }
            }
        };
    }
}
