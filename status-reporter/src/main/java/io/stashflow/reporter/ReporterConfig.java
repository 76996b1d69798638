package io.stashflow.reporter;

import io.stashflow.service.config.ConfigReader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The reporter's settings, read and validated by {@link #read(ConfigReader)}. Every setting is a flag
 * ({@code --bootstrap-servers}), an environment variable ({@code STASHFLOW_BOOTSTRAP_SERVERS}) or a key in
 * {@code --config-file}.
 *
 * @param bootstrapServers  Kafka bootstrap servers (required)
 * @param schemaRegistryUrl Confluent-compatible schema registry (required for the standalone service; the
 *                          single-JVM mode passes its embedded registry instead)
 * @param topicPrefix       prefix of every topic (default {@code stash})
 * @param applicationId     Kafka Streams application id (default {@code stashflow-reporter})
 * @param stateDir          Kafka Streams state directory (default {@code ./data/reporter})
 * @param pushgatewayUrl    Pushgateway to push Stash's metrics to; without one sessions are final as soon as they
 *                          complete and the series are only served on {@code /metrics}
 * @param clusterId         fleet mode: the cluster id added to the Pushgateway grouping key (several clusters share
 *                          one Pushgateway); empty in single-cluster mode
 * @param httpHost          address of the HTTP endpoint (default 127.0.0.1)
 * @param httpPort          port of {@code /healthz}, {@code /readyz}, {@code /metrics}, {@code /sessions} (default 8080)
 * @param partitions        partitions of the topics the reporter creates when missing (default 3)
 * @param replicationFactor replication of those topics (default 1)
 * @param sweepInterval     how often deadlines and silent agents are checked (default 30s)
 * @param agentSilence      a running session without outcomes for this long is ended ({@code AgentSilent}); 0 disables
 *                          (default 30m)
 * @param pushAttempts      Pushgateway attempts per session before {@code MetricsPushed=False} (default 5)
 * @param pushBackoff       first wait between attempts, doubling up to 16 times as long (default 1s)
 * @param metricsLabels     extra labels on every Stash series, {@code k=v,k=v} (Stash's {@code --metrics-labels})
 */
public record ReporterConfig(String bootstrapServers, Optional<URI> schemaRegistryUrl, String topicPrefix,
                             String applicationId, Path stateDir, Optional<URI> pushgatewayUrl, Optional<String> clusterId,
                             String httpHost, int httpPort, int partitions, short replicationFactor,
                             Duration sweepInterval, Duration agentSilence, int pushAttempts, Duration pushBackoff,
                             Map<String, String> metricsLabels) {

    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern CLUSTER = Pattern.compile("[a-zA-Z0-9._-]+");

    /** Reads every setting, then throws one {@code ConfigException} listing every problem. */
    public static ReporterConfig read(ConfigReader in, boolean registryRequired) {
        String bootstrap = in.requiredString("bootstrap-servers", "127.0.0.1:9092");
        Optional<URI> registry = in.httpUrl("schema-registry-url");
        if (registryRequired && registry.isEmpty() && in.optionalString("schema-registry-url").isEmpty()) {
            in.problem("schema-registry-url is required: set --schema-registry-url / "
                    + in.envName("schema-registry-url") + ", e.g. http://127.0.0.1:8081");
        }
        String prefix = in.string("topic-prefix", "stash");
        if (!prefix.matches("[a-zA-Z0-9._-]+")) {
            in.problem("topic-prefix '" + prefix + "' may only contain letters, digits, '.', '_' and '-'");
        }
        String appId = in.string("application-id", "stashflow-reporter");
        Path stateDir = in.directory("state-dir", Path.of("data", "reporter"));
        Optional<URI> pushgateway = in.httpUrl("pushgateway-url");
        Optional<String> cluster = in.optionalString("cluster-id");
        cluster.ifPresent(c -> {
            if (!CLUSTER.matcher(c).matches()) {
                in.problem("cluster-id '" + c + "' may only contain letters, digits, '.', '_' and '-' (it becomes part"
                        + " of keys and metric labels)");
            }
        });
        String host = in.string("http-host", "127.0.0.1");
        int port = in.port("http-port", 8080, true);
        int partitions = in.integer("partitions", 3, 1, 1000);
        int replication = in.integer("replication-factor", 1, 1, 32);
        Duration sweep = in.duration("sweep-interval", Duration.ofSeconds(30), Duration.ofMillis(100));
        Duration silence = in.duration("agent-silence", Duration.ofMinutes(30), Duration.ZERO);
        int attempts = in.integer("push-attempts", 5, 1, 100);
        Duration backoff = in.duration("push-backoff", Duration.ofSeconds(1), Duration.ZERO);
        Map<String, String> labels = new LinkedHashMap<>();
        in.optionalString("metrics-labels").ifPresent(text -> {
            for (String pair : text.split(",")) {
                String[] kv = pair.split("=", 2);
                if (kv.length != 2 || !LABEL.matcher(kv[0].trim()).matches()) {
                    in.problem("metrics-labels entry '" + pair + "' is not name=value with a Prometheus label name;"
                            + " write e.g. env=prod,team=db");
                } else {
                    labels.put(kv[0].trim(), kv[1].trim());
                }
            }
        });
        in.validate();
        return new ReporterConfig(bootstrap, registry, prefix, appId, stateDir, pushgateway, cluster, host, port,
                partitions, (short) replication, sweep, silence, attempts, backoff, labels);
    }
}
