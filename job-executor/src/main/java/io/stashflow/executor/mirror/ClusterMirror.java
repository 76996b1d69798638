package io.stashflow.executor.mirror;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.api.rejected.Rejections;
import io.stashflow.api.rejected.RejectedSink;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.Definition;
import io.stashflow.events.SessionRequested;
import io.stashflow.service.logging.LogContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the cluster's Stash resources into the definitions topic and turns session objects created in the cluster
 * into session requests, so existing Stash habits (the CronJob trigger, {@code kubectl create backupsession}) keep
 * working.
 *
 * <ul>
 *   <li>One informer per Stash kind ({@link StashKinds#ALL}), generic resources addressed without discovery. Every
 *       add and update — including the informer's periodic resync — publishes a {@code Definition} keyed
 *       {@code cluster/Kind/namespace/name} with the whole object as JSON ({@code managedFields} left out); a delete
 *       publishes a tombstone. A kind whose CRD is not installed is skipped with a warning.</li>
 *   <li>A new BackupSession or RestoreSession (see {@link SessionRequests}) becomes one {@code SessionRequested}
 *       whose CloudEvents id is the object's uid. Once the broker acknowledged it, the object gets the annotation
 *       {@value SessionRequests#REQUESTED_ANNOTATION} (JSON merge patch), so neither a resync nor a restart requests it
 *       again; if the agent dies between the two, the repeat carries the same id for consumers to drop.</li>
 * </ul>
 * Work happens on one thread of the mirror's own, never on the informers' threads.
 */
public final class ClusterMirror implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMirror.class);
    public static final String STAGE = "cluster-mirror";

    private final KubernetesClient client;
    private final String cluster;
    private final Topics topics;
    private final Producer<String, Definition> definitions;
    private final Producer<String, SessionRequested> sessions;
    private final RejectedSink rejected;
    private final Duration resync;
    private final Clock clock;
    private final String source;
    private final ExecutorService worker;
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
    private final Set<String> requestedUids = ConcurrentHashMap.newKeySet();
    private final Set<String> mirroredKinds = ConcurrentHashMap.newKeySet();

    public ClusterMirror(KubernetesClient client, String cluster, Topics topics, Producer<String, Definition> definitions,
                         Producer<String, SessionRequested> sessions, RejectedSink rejected, Duration resync, Clock clock,
                         String source) {
        this.client = client;
        this.cluster = cluster;
        this.topics = topics;
        this.definitions = definitions;
        this.sessions = sessions;
        this.rejected = rejected;
        this.resync = resync;
        this.clock = clock;
        this.source = source;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cluster-mirror-" + cluster);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts one informer per kind and waits until each has listed (or turned out not to be installed). */
    public void start() {
        for (StashKinds.Kind kind : StashKinds.ALL) {
            SharedIndexInformer<GenericKubernetesResource> informer = client.genericKubernetesResources(kind.context())
                    .inAnyNamespace().runnableInformer(resync.toMillis());
            informer.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(GenericKubernetesResource obj) {
                    worker.execute(() -> changed(kind, obj));
                }

                @Override
                public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                    worker.execute(() -> changed(kind, newObj));
                }

                @Override
                public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                    worker.execute(() -> deleted(kind, obj));
                }
            });
            try {
                informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
                informers.add(informer);
                mirroredKinds.add(kind.kind());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                informer.stop();
                throw new IllegalStateException("interrupted while starting the cluster mirror", e);
            } catch (ExecutionException | TimeoutException e) {
                informer.stop();
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                boolean missing = cause instanceof KubernetesClientException k && k.getCode() == 404;
                LOG.warn("not mirroring {} of cluster {}: {}", kind.kind(), cluster, missing
                        ? "its CRD (" + kind.plural() + "." + kind.group() + ") is not installed" : cause.getMessage());
            }
        }
        LOG.info("mirroring {} of cluster {} into {} (resync every {})", mirroredKinds, cluster, topics.definitions(),
                resync);
    }

    /** The kinds being mirrored (those whose CRD answered). */
    public Set<String> mirroredKinds() {
        return Set.copyOf(mirroredKinds);
    }

    private void changed(StashKinds.Kind kind, GenericKubernetesResource obj) {
        try (LogContext ignored = LogContext.cluster(cluster)) {
            publishDefinition(kind, obj);
            if (kind == StashKinds.BACKUP_SESSION || kind == StashKinds.RESTORE_SESSION) {
                requestSession(kind, obj);
            }
        } catch (RuntimeException e) {
            LOG.error("mirroring {} {}/{} failed", kind.kind(), obj.getMetadata().getNamespace(),
                    obj.getMetadata().getName(), e);
        }
    }

    private void deleted(StashKinds.Kind kind, GenericKubernetesResource obj) {
        String key = key(kind, obj);
        ProducerRecord<String, Definition> record = new ProducerRecord<>(topics.definitions(), key, null);
        CloudEventHeaders.write(record.headers(), CloudEventHeaders.Attributes.of(source, EventTypes.of(Definition.class),
                key));
        definitions.send(record, (m, e) -> {
            if (e != null) {
                LOG.error("could not publish the deletion of {}", key, e);
            }
        });
        if (obj.getMetadata().getUid() != null) {
            requestedUids.remove(obj.getMetadata().getUid());
        }
    }

    private void publishDefinition(StashKinds.Kind kind, GenericKubernetesResource obj) {
        GenericKubernetesResource copy = client.getKubernetesSerialization().clone(obj);
        copy.getMetadata().setManagedFields(null);
        String key = key(kind, obj);
        Definition definition = Definition.newBuilder()
                .setCluster(cluster)
                .setApiVersion(obj.getApiVersion() == null ? kind.apiVersion() : obj.getApiVersion())
                .setKind(kind.kind())
                .setNamespace(kind.namespaced() && obj.getMetadata().getNamespace() != null
                        ? obj.getMetadata().getNamespace() : "")
                .setName(obj.getMetadata().getName())
                .setGeneration(obj.getMetadata().getGeneration())
                .setResourceVersion(obj.getMetadata().getResourceVersion())
                .setDocument(client.getKubernetesSerialization().asJson(copy))
                .setSource("kubernetes")
                .setObservedAt(clock.instant())
                .build();
        ProducerRecord<String, Definition> record = new ProducerRecord<>(topics.definitions(), key, definition);
        CloudEventHeaders.write(record.headers(), CloudEventHeaders.Attributes.of(source, EventTypes.of(Definition.class),
                key));
        definitions.send(record, (m, e) -> {
            if (e != null) {
                LOG.error("could not publish definition {}", key, e);
            }
        });
    }

    private void requestSession(StashKinds.Kind kind, GenericKubernetesResource obj) {
        String uid = obj.getMetadata().getUid();
        if (uid != null && requestedUids.contains(uid)) {
            return;
        }
        SessionRequests.Decision decision = SessionRequests.decide(obj, cluster, clock.instant());
        if (decision instanceof SessionRequests.Skip) {
            return;
        }
        String where = kind.kind() + " " + obj.getMetadata().getNamespace() + "/" + obj.getMetadata().getName();
        if (decision instanceof SessionRequests.Invalid invalid) {
            if (uid != null) {
                requestedUids.add(uid);
            }
            rejected.reject(Rejections.ofSource("kubernetes:" + where, client.getKubernetesSerialization().asJson(obj)
                    .getBytes(StandardCharsets.UTF_8), STAGE, invalid.reason(), clock));
            return;
        }
        SessionRequested request = ((SessionRequests.Request) decision).event();
        String key = RecordKeys.of(cluster, request.getNamespace(), request.getSessionName());
        ProducerRecord<String, SessionRequested> record = new ProducerRecord<>(topics.sessions(), key, request);
        CloudEventHeaders.write(record.headers(), new CloudEventHeaders.Attributes(uid == null ? key : uid, source,
                EventTypes.of(SessionRequested.class), clock.instant(), key, CloudEventHeaders.AVRO_CONTENT_TYPE));
        try {
            sessions.send(record).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | TimeoutException e) {
            LOG.error("could not request {}; it is tried again on the next resync", where, e);
            return;
        }
        if (uid != null) {
            requestedUids.add(uid);
        }
        String patch = "{\"metadata\":{\"annotations\":{\"" + SessionRequests.REQUESTED_ANNOTATION + "\":\""
                + clock.instant() + "\"}}}";
        try {
            client.genericKubernetesResources(kind.context()).inNamespace(obj.getMetadata().getNamespace())
                    .withName(obj.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        } catch (KubernetesClientException e) {
            LOG.warn("requested {} but could not mark it ({}); a restart may request it again with the same id",
                    where, e.getMessage());
        }
        LOG.info("requested {} (uid {}) from the cluster", where, uid);
    }

    private String key(StashKinds.Kind kind, GenericKubernetesResource obj) {
        return RecordKeys.definition(cluster, kind.kind(), kind.namespaced() ? obj.getMetadata().getNamespace() : "",
                obj.getMetadata().getName());
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::stop);
        worker.shutdown();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For tests: waits until the mirror's queued work is done. */
    public void awaitIdle(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        worker.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How many informers run: one per installed Stash kind. */
    public int informerCount() {
        return informers.size();
    }
}
