package io.stashflow.executor.agent;

import io.stashflow.api.topics.Topics;
import io.stashflow.executor.limits.JobScheduler;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the consuming agent.
 *
 * @param cluster           the cluster this agent serves: it reads only {@code <prefix>.jobs.<cluster>}
 * @param topics            topic names
 * @param limits            concurrency and pod-creation limits
 * @param pollTimeout       how long one poll waits for records
 * @param maxQueued         how many plans may wait for a slot before the agent stops reading (pauses partitions)
 * @param launchRetryDelay  how long a plan waits after a launch failed for a reason that may pass (API server down)
 * @param queueReportEvery  how often waiting plans are logged with their queue position
 */
public record AgentSettings(String cluster, Topics topics, JobScheduler.Limits limits, Duration pollTimeout,
                            int maxQueued, Duration launchRetryDelay, Duration queueReportEvery) {

    public AgentSettings {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(limits, "limits");
    }

    public static AgentSettings defaults(String cluster, Topics topics) {
        return new AgentSettings(cluster, topics, JobScheduler.Limits.unlimited(), Duration.ofMillis(200), 10_000,
                Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    public AgentSettings limitedBy(JobScheduler.Limits l) {
        return new AgentSettings(cluster, topics, l, pollTimeout, maxQueued, launchRetryDelay, queueReportEvery);
    }

    public AgentSettings withLaunchRetryDelay(Duration d) {
        return new AgentSettings(cluster, topics, limits, pollTimeout, maxQueued, d, queueReportEvery);
    }

    public AgentSettings withMaxQueued(int n) {
        return new AgentSettings(cluster, topics, limits, pollTimeout, n, launchRetryDelay, queueReportEvery);
    }
}
