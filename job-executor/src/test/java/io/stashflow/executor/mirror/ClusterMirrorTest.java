package io.stashflow.executor.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stashflow.executor.testing.MockApiServer;
import io.stashflow.executor.testing.PatientClient;
import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.rejected.KafkaRejectedSink;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.Definition;
import io.stashflow.events.Rejected;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionRequested;
import io.stashflow.executor.agent.AgentKafkaClients;
import io.stashflow.testsupport.KafkaTestCluster;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The mirror on the mock API server (minimal Stash CRDs loaded) with the embedded broker. */
@Tag("integration")
class ClusterMirrorTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger N = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    static MockApiServer api;
    static KubernetesClient client;
    static KafkaTestCluster kafka;
    static EmbeddedSchemaRegistry registry;

    Topics topics;
    String cluster;
    String ns;
    final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void crds() throws Exception {
        kafka = KafkaTestCluster.shared();
        registry = EmbeddedSchemaRegistry.inMemory();
        api = MockApiServer.start(new PatientClient());
        client = api.client();
        try (InputStream in = ClusterMirrorTest.class.getResourceAsStream("/crds/stash-crds.yaml")) {
            client.load(in).items().forEach(crd -> client.resource(crd).create());
        }
    }

    @AfterAll
    static void stopApi() {
        api.close();
    }

    @BeforeEach
    void topics() {
        topics = new Topics(KafkaTestCluster.uniqueName("mirror"));
        cluster = "m" + N.incrementAndGet();
        ns = "ns-" + cluster;
        kafka.createTopics(1, topics.definitions(), topics.sessions(), topics.rejected());
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        closeables.clear();
    }

    private ClusterMirror mirror(Duration resync) {
        String bootstrap = kafka.bootstrapServers();
        KafkaProducer<String, Definition> definitions = new KafkaProducer<>(
                AgentKafkaClients.producerProperties(bootstrap, "mirror-defs", Map.of()), new StringSerializer(),
                ConfluentAvroSerde.forValues(registry, Definition.class));
        KafkaProducer<String, SessionRequested> sessions = new KafkaProducer<>(
                AgentKafkaClients.producerProperties(bootstrap, "mirror-sessions", Map.of()), new StringSerializer(),
                ConfluentAvroSerde.forValues(registry, SessionRequested.class));
        KafkaProducer<String, Rejected> rejected = AgentKafkaClients.rejectedProducer(bootstrap, registry, "mirror",
                Map.of());
        String source = EventTypes.source("agent", cluster);
        ClusterMirror mirror = new ClusterMirror(client, cluster, topics, definitions, sessions,
                new KafkaRejectedSink(rejected, topics.rejected(), source, Duration.ofSeconds(10)), resync,
                Clock.systemUTC(), source);
        closeables.add(definitions);
        closeables.add(sessions);
        closeables.add(rejected);
        closeables.add(mirror);
        mirror.start();
        return mirror;
    }

    private GenericKubernetesResource create(StashKinds.Kind kind, String namespace, String name, Map<String, Object> spec) {
        GenericKubernetesResourceBuilder b = new GenericKubernetesResourceBuilder().withApiVersion(kind.apiVersion())
                .withKind(kind.kind()).withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .addToAdditionalProperties("spec", spec);
        var op = client.genericKubernetesResources(kind.context());
        return namespace == null ? op.resource(b.build()).create() : op.inNamespace(namespace).resource(b.build()).create();
    }

    private <T> List<ConsumerRecord<String, T>> readUntil(String topic, Class<T> type,
                                                          Predicate<List<ConsumerRecord<String, T>>> done) {
        return readFor(topic, type, done, WAIT, true);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T> List<ConsumerRecord<String, T>> readFor(String topic, Class<T> type,
                                                        Predicate<List<ConsumerRecord<String, T>>> done, Duration max,
                                                        boolean mustFinish) {
        List<ConsumerRecord<String, T>> all = new ArrayList<>();
        Deserializer<T> values = (Deserializer<T>) ConfluentAvroSerde.forValues(registry, (Class) type);
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(
                kafka.consumerProperties(KafkaTestCluster.uniqueName("read")), new StringDeserializer(), values)) {
            consumer.subscribe(List.of(topic));
            long end = System.nanoTime() + max.toNanos();
            while (!done.test(all)) {
                if (System.nanoTime() > end) {
                    if (mustFinish) {
                        throw new AssertionError("timed out reading " + topic + "; got " + all.stream()
                                .map(r -> r.key() + "=" + r.value()).toList());
                    }
                    break;
                }
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }

    @Test
    void stashResourcesBecomeDefinitionsAndDeletesBecomeTombstones() throws Exception {
        create(StashKinds.FUNCTION, null, "pg-backup-" + cluster, Map.of("image", "stashed/stash-postgres:16.1"));
        create(StashKinds.BACKUP_CONFIGURATION, ns, "daily", Map.of("schedule", "0 1 * * *",
                "repository", Map.of("name", "repo")));
        create(StashKinds.REPOSITORY, ns, "repo", Map.of("backend", Map.of("s3", Map.of("bucket", "b"))));
        mirror(Duration.ofMinutes(10));

        String functionKey = RecordKeys.definition(cluster, "Function", "", "pg-backup-" + cluster);
        String configKey = RecordKeys.definition(cluster, "BackupConfiguration", ns, "daily");
        String repoKey = RecordKeys.definition(cluster, "Repository", ns, "repo");
        List<ConsumerRecord<String, Definition>> records = readUntil(topics.definitions(), Definition.class,
                all -> all.stream().map(ConsumerRecord::key).toList().containsAll(List.of(functionKey, configKey, repoKey)));
        Definition config = records.stream().filter(r -> r.key().equals(configKey)).findFirst().orElseThrow().value();
        assertEquals(cluster, config.getCluster());
        assertEquals("stash.appscode.com/v1beta1", config.getApiVersion());
        assertEquals(ns, config.getNamespace());
        assertEquals("kubernetes", config.getSource());
        assertNotNull(config.getResourceVersion());
        JsonNode document = JSON.readTree(config.getDocument());
        assertEquals("0 1 * * *", document.path("spec").path("schedule").asText());
        assertTrue(document.path("metadata").path("managedFields").isMissingNode());
        ConsumerRecord<String, Definition> first = records.get(0);
        assertEquals(EventTypes.of(Definition.class), CloudEventHeaders.read(first.headers()).orElseThrow().type());
        Definition function = records.stream().filter(r -> r.key().equals(functionKey)).findFirst().orElseThrow().value();
        assertEquals("", function.getNamespace(), "Functions are cluster-scoped");

        client.genericKubernetesResources(StashKinds.BACKUP_CONFIGURATION.context()).inNamespace(ns).withName("daily")
                .delete();
        readUntil(topics.definitions(), Definition.class,
                all -> all.stream().anyMatch(r -> r.key().equals(configKey) && r.value() == null));
    }

    @Test
    void theResyncRepublishesEveryResource() {
        create(StashKinds.TASK, null, "task-" + cluster, Map.of("steps", List.of()));
        mirror(Duration.ofSeconds(1));
        String key = RecordKeys.definition(cluster, "Task", "", "task-" + cluster);
        readUntil(topics.definitions(), Definition.class, all -> all.stream().filter(r -> r.key().equals(key)).count() >= 3);
    }

    @Test
    void aBackupSessionMadeInTheClusterIsRequestedExactlyOnce() throws Exception {
        GenericKubernetesResource session = create(StashKinds.BACKUP_SESSION, ns, "daily-1700000000",
                Map.of("invoker", Map.of("apiGroup", "stash.appscode.com", "kind", "BackupConfiguration",
                        "name", "daily"), "retryLeft", 2));
        ClusterMirror first = mirror(Duration.ofSeconds(1));
        String key = RecordKeys.of(cluster, ns, "daily-1700000000");
        List<ConsumerRecord<String, SessionRequested>> requests = readUntil(topics.sessions(), SessionRequested.class,
                all -> !all.isEmpty());
        SessionRequested request = requests.get(0).value();
        assertEquals(key, requests.get(0).key());
        assertEquals(SessionKind.BACKUP, request.getKind());
        assertEquals("daily", request.getInvoker().getName());
        assertEquals(2, request.getRetryLeft());
        assertEquals("agent:" + cluster, request.getRequestedBy());
        assertEquals(session.getMetadata().getUid(), CloudEventHeaders.read(requests.get(0).headers()).orElseThrow().id());
        awaitAnnotation(StashKinds.BACKUP_SESSION, "daily-1700000000");

        // resyncs, updates and a restarted mirror do not request it again
        first.close();
        mirror(Duration.ofSeconds(1));
        client.genericKubernetesResources(StashKinds.BACKUP_SESSION.context()).inNamespace(ns)
                .withName("daily-1700000000").edit(r -> new GenericKubernetesResourceBuilder(r).editMetadata()
                        .addToLabels("touched", "yes").endMetadata().build());
        List<ConsumerRecord<String, SessionRequested>> later = readFor(topics.sessions(), SessionRequested.class,
                all -> false, Duration.ofSeconds(3), false);
        assertEquals(1, later.size(), "exactly one request for the object");
    }

    @Test
    void restoreSessionsAreRequestedAndSessionsAlreadyRunningAreNot() throws Exception {
        create(StashKinds.RESTORE_SESSION, ns, "restore-1", Map.of("repository", Map.of("name", "repo")));
        GenericKubernetesResource running = new GenericKubernetesResourceBuilder()
                .withApiVersion(StashKinds.BACKUP_SESSION.apiVersion()).withKind("BackupSession").withNewMetadata()
                .withName("old-1").withNamespace(ns).endMetadata()
                .addToAdditionalProperties("spec", Map.of("invoker", Map.of("kind", "BackupConfiguration", "name", "x")))
                .addToAdditionalProperties("status", Map.of("phase", "Running")).build();
        // the status subresource ignores status on create: decide() is tested directly for it
        assertTrue(SessionRequests.decide(running, cluster, Instant.now()) instanceof SessionRequests.Skip);
        mirror(Duration.ofMinutes(10));
        List<ConsumerRecord<String, SessionRequested>> requests = readUntil(topics.sessions(), SessionRequested.class,
                all -> !all.isEmpty());
        SessionRequested restore = requests.get(0).value();
        assertEquals(SessionKind.RESTORE, restore.getKind());
        assertEquals("RestoreSession", restore.getInvoker().getKind());
        assertEquals("restore-1", restore.getInvoker().getName());
    }

    @Test
    void aBackupSessionWithoutInvokerIsRejected() {
        create(StashKinds.BACKUP_SESSION, ns, "broken", Map.of());
        mirror(Duration.ofMinutes(10));
        List<ConsumerRecord<String, Rejected>> rejected = readUntil(topics.rejected(), Rejected.class,
                all -> !all.isEmpty());
        assertEquals(ClusterMirror.STAGE, rejected.get(0).value().getStage());
        assertTrue(rejected.get(0).value().getError().contains("spec.invoker"), rejected.get(0).value().getError());
        assertNull(readFor(topics.sessions(), SessionRequested.class, all -> !all.isEmpty(), Duration.ofSeconds(2), false)
                .stream().findFirst().orElse(null));
    }

    @Test
    void sessionsMadeByStashflowOrAlreadyRequestedAreSkipped() {
        GenericKubernetesResource ours = new GenericKubernetesResourceBuilder().withKind("BackupSession")
                .withNewMetadata().withName("a").withNamespace("n").addToLabels("app.kubernetes.io/managed-by", "stashflow")
                .endMetadata().build();
        GenericKubernetesResource requested = new GenericKubernetesResourceBuilder().withKind("BackupSession")
                .withNewMetadata().withName("b").withNamespace("n")
                .addToAnnotations(SessionRequests.REQUESTED_ANNOTATION, "2026-01-01T00:00:00Z").endMetadata().build();
        assertTrue(SessionRequests.decide(ours, "c", Instant.now()) instanceof SessionRequests.Skip);
        assertTrue(SessionRequests.decide(requested, "c", Instant.now()) instanceof SessionRequests.Skip);
    }

    private void awaitAnnotation(StashKinds.Kind kind, String name) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            GenericKubernetesResource r = client.genericKubernetesResources(kind.context()).inNamespace(ns).withName(name)
                    .get();
            Map<String, String> annotations = r.getMetadata().getAnnotations();
            if (annotations != null && annotations.containsKey(SessionRequests.REQUESTED_ANNOTATION)) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(kind.kind() + " " + name + " never got " + SessionRequests.REQUESTED_ANNOTATION);
            }
            Thread.sleep(50);
        }
    }
}
