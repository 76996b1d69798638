package io.stashflow.reporter.streams;

import io.stashflow.api.topics.Topics;
import io.stashflow.service.kafka.TopicBootstrap.TopicSpec;
import java.util.List;

/**
 * The shared topics the reporter reads and writes, plus its own internal ones (same prefix):
 *
 * <ul>
 *   <li>{@code <prefix>.reporter-signals} — conditions the pusher, the history cleanup and other workers report back
 *       into the aggregation (keyed like sessions);</li>
 *   <li>{@code <prefix>.reporter-history} — session status changes re-keyed by invoker, for {@code backupHistoryLimit};</li>
 *   <li>{@code <prefix>.reporter-repository-updates} — update-status results re-keyed by repository;</li>
 *   <li>{@code <prefix>.reporter-metrics-pushes} — one push request per completed session, for the pusher;</li>
 *   <li>{@code <prefix>.reporter-metric-families} (compacted) — the latest pushed value of each family in each
 *       Pushgateway group, from which the reporter's {@code /metrics} is rebuilt after a restart.</li>
 * </ul>
 */
public record ReporterTopics(Topics topics) {

    public String signals() {
        return topics.prefix() + ".reporter-signals";
    }

    public String history() {
        return topics.prefix() + ".reporter-history";
    }

    public String repositoryUpdates() {
        return topics.prefix() + ".reporter-repository-updates";
    }

    public String metricsPushes() {
        return topics.prefix() + ".reporter-metrics-pushes";
    }

    public String metricFamilies() {
        return topics.prefix() + ".reporter-metric-families";
    }

    /** Everything the reporter needs, for {@code TopicBootstrap}; all with the same partition count. */
    public List<TopicSpec> all(int partitions, short replication) {
        return List.of(
                TopicSpec.of(topics.sessions(), partitions, replication, false),
                TopicSpec.of(topics.stepOutcomes(), partitions, replication, false),
                TopicSpec.of(topics.planRejections(), partitions, replication, false),
                TopicSpec.of(topics.definitions(), partitions, replication, true),
                TopicSpec.of(topics.sessionStatus(), partitions, replication, true),
                TopicSpec.of(topics.repositoryStatus(), partitions, replication, true),
                TopicSpec.of(topics.rejected(), partitions, replication, false),
                TopicSpec.of(signals(), partitions, replication, false),
                TopicSpec.of(history(), partitions, replication, false),
                TopicSpec.of(repositoryUpdates(), partitions, replication, false),
                TopicSpec.of(metricsPushes(), partitions, replication, false),
                TopicSpec.of(metricFamilies(), partitions, replication, true));
    }
}
