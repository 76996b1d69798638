package io.stashflow.executor.kubernetes;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the Kubernetes runtime.
 *
 * @param cluster         the cluster id; part of the pods' label selector
 * @param namespace       the only namespace to run and watch pods in, or {@code null} for every namespace
 * @param thresholds      how long a pod may be stuck before its session fails
 * @param checkInterval   how often every pod is re-judged without a change of its own (deadlines, stuck timers)
 * @param missingGrace    how long a created pod may be absent from the informer's cache before the agent asks the API
 *                        server whether it still exists
 * @param informerResync  the informer's resync period (0 = none)
 */
public record KubernetesRuntimeSettings(String cluster, String namespace, PodFailureThresholds thresholds,
                                        Duration checkInterval, Duration missingGrace, Duration informerResync) {

    public KubernetesRuntimeSettings {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(thresholds, "thresholds");
        Objects.requireNonNull(checkInterval, "checkInterval");
        Objects.requireNonNull(missingGrace, "missingGrace");
        Objects.requireNonNull(informerResync, "informerResync");
    }

    public static KubernetesRuntimeSettings defaults(String cluster) {
        return new KubernetesRuntimeSettings(cluster, null, PodFailureThresholds.defaults(), Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofMinutes(10));
    }

    public KubernetesRuntimeSettings withThresholds(PodFailureThresholds t) {
        return new KubernetesRuntimeSettings(cluster, namespace, t, checkInterval, missingGrace, informerResync);
    }

    public KubernetesRuntimeSettings withCheckInterval(Duration d) {
        return new KubernetesRuntimeSettings(cluster, namespace, thresholds, d, missingGrace, informerResync);
    }

    public KubernetesRuntimeSettings withNamespace(String ns) {
        return new KubernetesRuntimeSettings(cluster, ns, thresholds, checkInterval, missingGrace, informerResync);
    }
}
