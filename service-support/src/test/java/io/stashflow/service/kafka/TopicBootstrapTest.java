package io.stashflow.service.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stashflow.service.kafka.TopicBootstrap.TopicSpec;
import io.stashflow.testsupport.KafkaTestCluster;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class TopicBootstrapTest {

    @Test
    void createsMissingTopicsCompactedWhereAskedAndLeavesExistingOnes() throws Exception {
        KafkaTestCluster kafka = KafkaTestCluster.shared();
        String plain = KafkaTestCluster.uniqueName("bootstrap-plain");
        String compacted = KafkaTestCluster.uniqueName("bootstrap-compacted");
        kafka.createTopic(plain, 1, Map.of());
        List<String> created = TopicBootstrap.ensure(kafka.admin(), List.of(
                TopicSpec.of(plain, 2, (short) 1, false), TopicSpec.of(compacted, 2, (short) 1, true)), 30_000);
        assertEquals(List.of(compacted), created);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, compacted);
        Config config = null;
        for (int i = 0; config == null; i++) {
            try {
                config = kafka.admin().describeConfigs(List.of(resource)).all().get().get(resource);
            } catch (java.util.concurrent.ExecutionException e) {
                if (i > 50) {
                    throw e;
                }
                Thread.sleep(100); // the broker learns of a new topic shortly after the controller accepted it
            }
        }
        assertEquals("compact", config.get("cleanup.policy").value());
        assertEquals(2, kafka.admin().describeTopics(List.of(compacted)).allTopicNames().get().get(compacted)
                .partitions().size());
        assertEquals(1, kafka.admin().describeTopics(List.of(plain)).allTopicNames().get().get(plain)
                .partitions().size(), "an existing topic is never altered");
        assertEquals(List.of(), TopicBootstrap.ensure(kafka.admin(), List.of(TopicSpec.of(compacted, 2, (short) 1, true)),
                30_000));
    }
}
