package io.stashflow.planner.service;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.topics.Topics;
import io.stashflow.testsupport.KafkaTestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.NewPartitions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitions added to the sessions topic after the planner stored sessions for it: Kafka Streams itself would keep
 * replacing a stream thread that fails on the changelog's count (alive, never ready); the planner refuses to start
 * and says why.
 */
@Tag("integration")
class PlannerPartitionChangeIntegrationTest {

    @TempDir
    Path dir;

    @Test
    void addingPartitionsToTheSessionsTopicStopsTheNextStartWithTheReasonAndTheFix() throws Exception {
        KafkaTestCluster kafka = KafkaTestCluster.shared();
        String prefix = KafkaTestCluster.uniqueName("partitions");
        Topics topics = new Topics(prefix);
        PlannerConfig config = PlannerTestConfigs.planner(kafka.bootstrapServers(), prefix, dir,
                Files.createDirectories(dir.resolve("definitions")), Map.of());
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.inMemory();

        // the first start creates the topics and the stores' changelogs
        try (PlannerService first = PlannerService.start(config, registry, Map.of())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (first.readinessProblem().isPresent() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(first.readinessProblem().isEmpty(), () -> "not ready: " + first.readinessProblem());
        }
        kafka.admin().createPartitions(Map.of(topics.sessions(), NewPartitions.increaseTo(6))).all().get();

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> PlannerService.start(config, registry, Map.of()).close());
        String message = refused.getMessage();
        assertTrue(message.contains("topic " + topics.sessions() + " has 6 partitions, but the planner's sessions"
                + " were stored for 3 (changelog " + prefix + "-planner-planner-sessions-changelog)"), message);
        assertTrue(message.contains("--topic-prefix"), message);
        assertTrue(!message.contains("scheduler"), message);
    }
}
