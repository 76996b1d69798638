package io.stashflow.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.events.InvokerRef;
import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionStatus;
import io.stashflow.executor.agent.AgentKafkaClients;
import io.stashflow.executor.config.ExecutorConfig;
import io.stashflow.executor.testing.MockApiServer;
import io.stashflow.service.config.ConfigReader;
import io.stashflow.testsupport.KafkaTestCluster;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent, wired as {@code stashflow agent} runs it, writes the reporter's session status back onto the cluster's
 * BackupSession through the status subresource (fabric8 mock API server in CRUD mode, embedded broker).
 */
@Tag("integration")
class AgentWriteBackIntegrationTest {

    static MockApiServer api;
    static KubernetesClient client;

    @BeforeAll
    static void startApi() {
        api = MockApiServer.start();
        client = api.client();
    }

    @AfterAll
    static void stopApi() {
        api.close();
    }

    @TempDir
    Path work;

    private static final ResourceDefinitionContext BACKUP_SESSIONS = new ResourceDefinitionContext.Builder()
            .withGroup("stash.appscode.com").withVersion("v1beta1").withKind("BackupSession")
            .withPlural("backupsessions").withNamespaced(true).build();

    @Test
    @SuppressWarnings("unchecked")
    void theAgentWritesSessionStatusBackToTheCluster() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/crds/stash-crds.yaml")) {
            for (HasMetadata crd : client.load(in).items()) {
                client.resource(crd).createOr(NonDeletingOperation::update);
            }
        }
        GenericKubernetesResource session = new GenericKubernetesResourceBuilder()
                .withApiVersion("stash.appscode.com/v1beta1").withKind("BackupSession")
                .withNewMetadata().withName("pg-backup-1700000000").withNamespace("demo").endMetadata()
                .addToAdditionalProperties("spec", Map.of("invoker",
                        Map.of("apiGroup", "stash.appscode.com", "kind", "BackupConfiguration", "name", "pg-backup")))
                .build();
        client.genericKubernetesResources(BACKUP_SESSIONS).inNamespace("demo").resource(session).create();

        KafkaTestCluster kafka = KafkaTestCluster.shared();
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.inMemory();
        String prefix = KafkaTestCluster.uniqueName("agent");
        ExecutorConfig config = ExecutorConfig.read(ConfigReader.of("agent", Map.of(
                "bootstrap-servers", kafka.bootstrapServers(), "cluster-id", "c1", "topic-prefix", prefix,
                "runtime", "kubernetes", "http-port", "0", "partitions", "1",
                "work-dir", work.resolve("executor").toString()),
                Map.of(), Optional.empty()), ExecutorConfig.Mode.AGENT, Map.of());
        try (ExecutorApplication app = ExecutorApplication.start(config, ExecutorConfig.Mode.AGENT, registry,
                () -> client, Clock.systemUTC())) {
            SessionKey key = SessionKey.newBuilder().setCluster("c1").setNamespace("demo")
                    .setName("pg-backup-1700000000").setKind(SessionKind.BACKUP).build();
            SessionStatus status = SessionStatus.newBuilder().setSessionKey(key)
                    .setInvoker(InvokerRef.newBuilder().setApiGroup("stash.appscode.com")
                            .setKind("BackupConfiguration").setName("pg-backup").build())
                    .setPhase("Succeeded").setSessionDuration("42s")
                    .setUpdatedAt(Instant.parse("2026-11-25T10:00:42Z")).build();
            try (KafkaProducer<String, SessionStatus> producer = new KafkaProducer<>(
                    AgentKafkaClients.producerProperties(kafka.bootstrapServers(), "reporter", Map.of()),
                    new StringSerializer(), ConfluentAvroSerde.forValues(registry, SessionStatus.class))) {
                ProducerRecord<String, SessionStatus> record = new ProducerRecord<>(config.topics().sessionStatus(),
                        RecordKeys.of(key), status);
                CloudEventHeaders.write(record.headers(), CloudEventHeaders.Attributes.of("/test",
                        EventTypes.of(SessionStatus.class), record.key()));
                producer.send(record).get(10, TimeUnit.SECONDS);
            }

            Map<String, Object> written = Map.of();
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!"Succeeded".equals(written.get("phase")) && System.nanoTime() < end) {
                GenericKubernetesResource current = client.genericKubernetesResources(BACKUP_SESSIONS)
                        .inNamespace("demo").withName("pg-backup-1700000000").get();
                Object s = current.getAdditionalProperties().get("status");
                written = s instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
                if (!"Succeeded".equals(written.get("phase"))) {
                    Thread.sleep(200);
                }
            }
            assertEquals("Succeeded", written.get("phase"), "the agent wrote the status back: " + written);
            assertEquals("42s", written.get("sessionDuration"));
        }
    }
}
