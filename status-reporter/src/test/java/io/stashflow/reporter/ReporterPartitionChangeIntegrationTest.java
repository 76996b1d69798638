package io.stashflow.reporter;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.topics.Topics;
import io.stashflow.service.config.ConfigReader;
import io.stashflow.testsupport.KafkaTestCluster;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitions added to the sessions topic after the reporter stored session facts for it: the reporter refuses to
 * start and names the topic, both counts, the changelog and the way out, instead of leaving Kafka Streams to replace
 * a failing stream thread for ever.
 */
@Tag("integration")
class ReporterPartitionChangeIntegrationTest {

    @TempDir
    Path state;

    @Test
    void addingPartitionsToTheSessionsTopicStopsTheNextStartWithTheReasonAndTheFix() throws Exception {
        KafkaTestCluster kafka = KafkaTestCluster.shared();
        String prefix = KafkaTestCluster.uniqueName("rpartitions");
        Topics topics = new Topics(prefix);
        String applicationId = prefix + "-reporter";
        ReporterConfig config = ReporterConfig.read(ConfigReader.of("reporter", Map.of(
                "bootstrap-servers", kafka.bootstrapServers(),
                "topic-prefix", prefix,
                "application-id", applicationId,
                "state-dir", state.toString(),
                "http-port", "0",
                "partitions", "2"), Map.of(), Optional.empty()), false);
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.inMemory();
        Map<String, Object> fast = Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);

        // the first start creates the topics and the stores' changelogs
        try (ReporterService first = new ReporterService(config, registry, Clock.systemUTC(), fast)) {
            first.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!first.ready() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(first.ready(), "the reporter did not become ready within 60 s");
        }
        kafka.admin().createPartitions(Map.of(topics.sessions(), NewPartitions.increaseTo(4))).all().get();

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> {
            try (ReporterService second = new ReporterService(config, registry, Clock.systemUTC(), fast)) {
                second.start();
            }
        });
        String message = refused.getMessage();
        assertTrue(message.contains("topic " + topics.sessions() + " has 4 partitions, but the reporter's session"
                + " facts were stored for 2 (changelog " + applicationId + "-"), message);
        assertTrue(message.contains("--application-id"), message);
        assertTrue(!message.contains("history index") && !message.contains("repositories"),
                "only the store whose topic changed: " + message);
    }
}
