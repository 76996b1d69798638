package io.stashflow.service.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.service.kafka.StorePartitions.Store;
import io.stashflow.testsupport.KafkaTestCluster;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class StorePartitionsTest {

    private static Store store(String input, String changelog) {
        return new Store("the sessions", input, changelog, "Start afresh.");
    }

    @Test
    void equalCountsAreFine() {
        assertEquals(Optional.empty(), StorePartitions.problem(store("in", "app-s-changelog"), 6, 6));
    }

    @Test
    void aChangedCountNamesBothTopicsBothCountsAndTheFix() {
        String problem = StorePartitions.problem(store("p.sessions", "app-s-changelog"), 6, 3).orElseThrow();
        assertTrue(problem.startsWith("topic p.sessions has 6 partitions, but the sessions were stored for 3"
                + " (changelog app-s-changelog)"), problem);
        assertTrue(problem.endsWith("Start afresh."), problem);
    }

    @Test
    void changelogsAreNamedAsKafkaStreamsNamesThem() {
        assertEquals("app-planner-sessions-changelog", Store.changelog("app", "planner-sessions"));
    }

    @Test
    @Tag("integration")
    void onTheBrokerOnlyStoresWhoseTopicsBothExistAndDifferFail() throws Exception {
        KafkaTestCluster kafka = KafkaTestCluster.shared();
        String input = KafkaTestCluster.uniqueName("store-input");
        String sameChangelog = KafkaTestCluster.uniqueName("store-same-changelog");
        String otherChangelog = KafkaTestCluster.uniqueName("store-other-changelog");
        kafka.createTopic(input, 3, Map.of());
        kafka.createTopic(sameChangelog, 3, Map.of());
        kafka.createTopic(otherChangelog, 2, Map.of());
        for (int i = 0; ; i++) {
            try {
                kafka.admin().describeTopics(List.of(input, sameChangelog, otherChangelog)).allTopicNames().get();
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                if (i > 50) {
                    throw e;
                }
                Thread.sleep(100); // the broker learns of a new topic shortly after the controller accepted it
            }
        }
        // a first start: no changelog yet
        StorePartitions.require(kafka.admin(), List.of(store(input, "never-created-changelog")), 30_000);
        StorePartitions.require(kafka.admin(), List.of(store(input, sameChangelog)), 30_000);
        IllegalStateException failed = assertThrows(IllegalStateException.class, () -> StorePartitions.require(
                kafka.admin(), List.of(store(input, sameChangelog), store(input, otherChangelog)), 30_000));
        assertTrue(failed.getMessage().contains("has 3 partitions, but the sessions were stored for 2 (changelog "
                + otherChangelog + ")"), failed.getMessage());
        assertTrue(!failed.getMessage().contains(sameChangelog), failed.getMessage());
    }
}
