package io.stashflow.service.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics a service needs when they are missing, so a fresh installation starts without manual steps.
 * Compacted topics get {@code cleanup.policy=compact}. Existing topics are never altered: a different partition
 * count or cleanup policy is reported as a warning, because changing either on a live topic is an operator's
 * decision (repartitioning moves keys; un-compacting loses the latest-value guarantee).
 *
 * <p>Every session-keyed topic should have the same partition count: the reporter reads several of them into one
 * store, and equal counts put all records of one session on the same partition number.
 */
public final class TopicBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(TopicBootstrap.class);

    /** One topic a service needs. */
    public record TopicSpec(String name, int partitions, short replicationFactor, boolean compacted,
                            Map<String, String> configs) {
        public TopicSpec {
            if (partitions < 1) {
                throw new IllegalArgumentException("topic " + name + " needs at least one partition");
            }
            configs = Map.copyOf(configs);
        }

        public static TopicSpec of(String name, int partitions, short replicationFactor, boolean compacted) {
            return new TopicSpec(name, partitions, replicationFactor, compacted, Map.of());
        }

        Map<String, String> effectiveConfigs() {
            Map<String, String> all = new HashMap<>(configs);
            if (compacted) {
                all.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            }
            return all;
        }
    }

    private TopicBootstrap() {
    }

    /**
     * Creates the missing topics and waits until the broker confirms them.
     *
     * @return the names of the topics that were created (the others existed)
     * @throws IllegalStateException when the broker cannot be reached or refuses a creation, naming the topic
     */
    public static List<String> ensure(Admin admin, Collection<TopicSpec> topics, long timeoutMillis) {
        Set<String> existing;
        try {
            existing = admin.listTopics().names().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list topics (" + describe(e) + "): check --bootstrap-servers and"
                    + " that the broker is up", e);
        }
        List<NewTopic> missing = new ArrayList<>();
        List<TopicSpec> present = new ArrayList<>();
        for (TopicSpec spec : topics) {
            if (existing.contains(spec.name())) {
                present.add(spec);
            } else {
                missing.add(new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor())
                        .configs(spec.effectiveConfigs()));
            }
        }
        List<String> created = new ArrayList<>();
        for (NewTopic topic : missing) {
            try {
                admin.createTopics(List.of(topic)).all().get(timeoutMillis, TimeUnit.MILLISECONDS);
                created.add(topic.name());
                LOG.info("created topic {} ({} partitions, {})", topic.name(), topic.numPartitions(),
                        topic.configs().getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, "delete"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic " + topic.name(), e);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + topic.name() + " (" + describe(e)
                            + "): create it by hand with " + topic.numPartitions() + " partitions"
                            + (topic.configs().isEmpty() ? "" : " and " + topic.configs()), e);
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out creating topic " + topic.name(), e);
            }
        }
        checkExisting(admin, present, timeoutMillis);
        return created;
    }

    private static void checkExisting(Admin admin, List<TopicSpec> present, long timeoutMillis) {
        if (present.isEmpty()) {
            return;
        }
        try {
            Map<String, TopicDescription> descriptions = admin.describeTopics(
                    present.stream().map(TopicSpec::name).toList()).allTopicNames().get(timeoutMillis, TimeUnit.MILLISECONDS);
            List<ConfigResource> resources = present.stream()
                    .map(s -> new ConfigResource(ConfigResource.Type.TOPIC, s.name())).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
                    .get(timeoutMillis, TimeUnit.MILLISECONDS);
            for (TopicSpec spec : present) {
                TopicDescription description = descriptions.get(spec.name());
                if (description != null && description.partitions().size() != spec.partitions()) {
                    LOG.warn("topic {} has {} partitions, expected {}; keep all session-keyed topics at the same count",
                            spec.name(), description.partitions().size(), spec.partitions());
                }
                Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
                if (spec.compacted() && config != null) {
                    var policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
                    if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                        LOG.warn("topic {} should be compacted but has cleanup.policy={}; set cleanup.policy=compact",
                                spec.name(), policy == null ? "?" : policy.value());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("could not check existing topics: {}", describe(e));
        }
    }

    private static String describe(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
