package io.stashflow.service.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A start-up check of the partition count a Kafka Streams state store was built with. A store's changelog has one
 * partition per partition of the topic the store's task reads, and a record's state lives in the task its key hashed
 * to. When that topic later gets more partitions, Kafka Streams refuses the changelog ("has invalid partitions") and
 * keeps replacing the failed stream thread, a service that is alive but never ready; and even if it did not, the
 * keys that now hash elsewhere would meet a task that does not know them. A service calls {@link #require} before it
 * starts Kafka Streams and fails at once, saying what changed and what to do.
 */
public final class StorePartitions {

    private static final Logger LOG = LoggerFactory.getLogger(StorePartitions.class);

    /**
     * A store and the topic its tasks read.
     *
     * @param store          what the store holds, for the message ({@code the planner's sessions})
     * @param inputTopic     the partitioned topic its tasks read
     * @param changelogTopic {@code <application.id>-<store name>-changelog}
     * @param fix            what the operator can do, for the message
     */
    public record Store(String store, String inputTopic, String changelogTopic, String fix) {
        /** The changelog topic Kafka Streams names for {@code storeName} of {@code applicationId}. */
        public static String changelog(String applicationId, String storeName) {
            return applicationId + "-" + storeName + "-changelog";
        }
    }

    private StorePartitions() {
    }

    /** What is wrong when the input topic and the changelog differ in partitions, else empty. */
    public static Optional<String> problem(Store store, int inputPartitions, int changelogPartitions) {
        if (inputPartitions == changelogPartitions) {
            return Optional.empty();
        }
        return Optional.of("topic " + store.inputTopic() + " has " + inputPartitions + " partitions, but "
                + store.store() + " were stored for " + changelogPartitions + " (changelog " + store.changelogTopic()
                + "): each lives in the partition its key hashed to, and Kafka Streams will not run with the"
                + " changed count. " + store.fix());
    }

    /**
     * Checks every store whose changelog exists (a first start has none).
     *
     * @throws IllegalStateException naming every store whose input topic changed its partition count
     */
    public static void require(Admin admin, Collection<Store> stores, long timeoutMillis) {
        Set<String> names = new HashSet<>();
        for (Store store : stores) {
            names.add(store.inputTopic());
            names.add(store.changelogTopic());
        }
        Map<String, TopicDescription> found;
        try {
            Set<String> existing = admin.listTopics().names().get(timeoutMillis, TimeUnit.MILLISECONDS);
            names.retainAll(existing);
            found = names.isEmpty() ? Map.of()
                    : admin.describeTopics(names).allTopicNames().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | TimeoutException e) {
            // Kafka Streams makes the same check itself when it starts; this one is only the clearer message
            LOG.warn("could not compare the partitions of the state stores' topics: {}", e.getMessage());
            return;
        }
        List<String> problems = new ArrayList<>();
        for (Store store : stores) {
            TopicDescription input = found.get(store.inputTopic());
            TopicDescription changelog = found.get(store.changelogTopic());
            if (input != null && changelog != null) {
                problem(store, input.partitions().size(), changelog.partitions().size()).ifPresent(problems::add);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
    }
}
