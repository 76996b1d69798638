package io.stashflow.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One Kafka broker per test JVM, shared by every test class.
 *
 * <p>Starting a broker costs seconds and dominates test time, so tests share it and isolate themselves by topic names
 * and application ids from {@link #uniqueName(String)} instead. The broker is an in-process KRaft node from Kafka's own
 * test kit (production metadata version, replication 1). Testcontainers' Kafka is used only when a Docker engine answers,
 * which it never does on the project's build machines; {@code -Dkafka.test.mode=embedded|docker|auto} forces a choice.
 */
public final class KafkaTestCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTestCluster.class);
    private static final AtomicInteger NAME_COUNTER = new AtomicInteger();
    private static KafkaTestCluster shared;

    private final String bootstrapServers;
    private final String mode;
    private final AutoCloseable stopper;
    private final Admin admin;

    private KafkaTestCluster(String bootstrapServers, String mode, AutoCloseable stopper) {
        this.bootstrapServers = bootstrapServers;
        this.mode = mode;
        this.stopper = stopper;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** The JVM-wide broker, started on first use and stopped by a shutdown hook. */
    public static synchronized KafkaTestCluster shared() {
        if (shared == null) {
            shared = start();
            KafkaTestCluster started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                // the tests have reported by now: a broker fault while the JVM exits (Kafka then calls Exit.halt or
                // Exit.exit with 1) would only turn a finished, green run into a failed fork, so it is logged instead
                org.apache.kafka.common.utils.Exit.setHaltProcedure((code, message) ->
                        LOG.warn("the test broker asked to halt with {} while the JVM exits: {}", code, message));
                org.apache.kafka.common.utils.Exit.setExitProcedure((code, message) ->
                        LOG.warn("the test broker asked to exit with {} while the JVM exits: {}", code, message));
                started.closeQuietly();
            }, "kafka-test-cluster-stop"));
        }
        return shared;
    }

    /** A broker of its own, for tests that stop or restart it. The caller closes it. */
    public static KafkaTestCluster start() {
        String requested = System.getProperty("kafka.test.mode", "auto");
        boolean docker = switch (requested) {
            case "docker" -> true;
            case "embedded" -> false;
            case "auto" -> dockerAvailable();
            default -> throw new IllegalArgumentException(
                    "kafka.test.mode must be auto, docker or embedded, not '" + requested + "'");
        };
        try {
            return docker ? startContainer() : startEmbedded();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the test Kafka broker (" + (docker ? "docker" : "embedded") + ")", e);
        }
    }

    private static boolean dockerAvailable() {
        // Asking Testcontainers when there is plainly no engine costs time and an ERROR log line per JVM.
        if (System.getenv("DOCKER_HOST") == null && !java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static KafkaTestCluster startContainer() {
        KafkaContainer container = new KafkaContainer(DockerImageName.parse("apache/kafka-native:4.1.0"));
        container.start();
        LOG.info("test Kafka broker: testcontainers at {}", container.getBootstrapServers());
        return new KafkaTestCluster(container.getBootstrapServers(), "testcontainers", container::stop);
    }

    private static KafkaTestCluster startEmbedded() throws Exception {
        KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        // the kit defaults to the newest *testing* metadata version; production is what users run
                        .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        kit.format();
        kit.startup();
        kit.waitForReadyBrokers();
        LOG.info("test Kafka broker: embedded KRaft at {}", kit.bootstrapServers());
        return new KafkaTestCluster(kit.bootstrapServers(), "embedded-kraft", kit);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** {@code embedded-kraft} or {@code testcontainers}. */
    public String mode() {
        return mode;
    }

    public Admin admin() {
        return admin;
    }

    /** A name no other test in this JVM (or an earlier run against the same broker) uses. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + NAME_COUNTER.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a topic and waits until the broker knows it; an existing topic is left as it is. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + name, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    public void createTopics(int partitions, String... names) {
        for (String name : names) {
            createTopic(name, partitions, Map.of());
        }
    }

    public Set<String> topics() {
        try {
            return admin.listTopics().names().get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("could not list topics", e);
        }
    }

    /** Byte-array producer settings with idempotence and acks=all, as services use. */
    public Properties producerProperties() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** Byte-array consumer settings reading committed data from the beginning, for a fresh group. */
    public Properties consumerProperties(String groupId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    @Override
    public void close() throws Exception {
        admin.close(Duration.ofSeconds(5));
        stopper.close();
    }

    private void closeQuietly() {
        try {
            close();
        } catch (Exception e) {
            LOG.warn("stopping the test Kafka broker failed", e);
        }
    }
}
