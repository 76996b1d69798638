package io.stashflow.executor.config;

import io.stashflow.api.topics.Topics;
import io.stashflow.executor.kubernetes.PodFailureThresholds;
import io.stashflow.executor.limits.JobScheduler;
import io.stashflow.executor.local.EntrypointMap;
import io.stashflow.service.config.ConfigReader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The executor's settings, read and validated at start: every problem is reported at once, naming the setting, where it
 * can be given ({@code --flag}, {@code STASHFLOW_*} environment variable, properties file) and what a good value is.
 *
 * @param bootstrapServers     Kafka
 * @param schemaRegistryUrl    Confluent-compatible schema registry
 * @param topics               topic names from the prefix
 * @param cluster              the cluster id: the agent reads {@code <prefix>.jobs.<cluster>} only
 * @param runtime              {@code kubernetes} or {@code local}
 * @param namespace            Kubernetes: the one namespace to run and watch pods in; empty for all
 * @param limits               concurrency (0 = unlimited; restic takes only shared locks for backups, so several
 *                             backups into one repository may run) and pod creation (default 20/s, burst 50)
 * @param thresholds           how long a stuck pod may wait before its session fails
 * @param checkInterval        how often pods are re-judged (deadlines, stuck timers)
 * @param workDir              local: where runs and claim directories live
 * @param secretsDir           local: where Secret values come from
 * @param entrypoints          local: image → program for containers without command
 * @param stashflowJar         local: the jar Stashflow's own image maps to
 * @param killGrace            local: SIGTERM → SIGKILL grace of a stopped step
 * @param groupId              Kafka consumer group of the agent
 * @param httpHost             address of /healthz, /readyz, /metrics, /queue
 * @param httpPort             port of that endpoint (0 = any)
 * @param partitions           partitions of topics created when missing
 * @param replicationFactor    replication of topics created when missing
 * @param mirror               whether to mirror the cluster's Stash resources (the agent does)
 * @param mirrorResync         how often the mirror republishes every resource
 */
public record ExecutorConfig(
        String bootstrapServers,
        URI schemaRegistryUrl,
        Topics topics,
        String cluster,
        String runtime,
        Optional<String> namespace,
        JobScheduler.Limits limits,
        PodFailureThresholds thresholds,
        Duration checkInterval,
        Path workDir,
        Path secretsDir,
        Map<String, List<String>> entrypoints,
        Optional<Path> stashflowJar,
        Duration killGrace,
        String groupId,
        String httpHost,
        int httpPort,
        int partitions,
        short replicationFactor,
        boolean mirror,
        Duration mirrorResync) {

    public static final String KUBERNETES = "kubernetes";
    public static final String LOCAL = "local";

    /** What the command runs: the executor alone, or the cluster agent (executor on Kubernetes plus the mirror). */
    public enum Mode {
        EXECUTOR, AGENT
    }

    /** Every setting name, for the commands that pass flags through. */
    public static final List<String> SETTINGS = List.of("bootstrap-servers", "schema-registry-url", "topic-prefix",
            "cluster-id", "runtime", "namespace", "max-concurrent-jobs", "max-jobs-per-repository",
            "max-jobs-per-invoker", "pod-create-qps", "pod-create-burst", "image-pull-timeout",
            "container-config-timeout", "unschedulable-timeout", "node-lost-timeout", "check-interval", "work-dir",
            "secrets-dir", "local-entrypoints", "stashflow-jar", "kill-grace", "group-id", "http-host", "http-port",
            "partitions", "replication-factor", "mirror", "mirror-resync");

    public static ExecutorConfig read(ConfigReader in, Mode mode, Map<String, String> environment) {
        String bootstrap = in.requiredString("bootstrap-servers", "127.0.0.1:9092");
        URI registry = in.httpUrl("schema-registry-url").orElse(URI.create("http://127.0.0.1:8081"));
        String prefix = in.string("topic-prefix", Topics.DEFAULT_PREFIX);
        Topics topics = Topics.withDefaultPrefix();
        try {
            topics = new Topics(prefix);
        } catch (IllegalArgumentException e) {
            in.problem("topic-prefix: " + e.getMessage());
        }
        String cluster = in.requiredString("cluster-id", "prod-eu-1");
        if (!cluster.isEmpty()) {
            try {
                topics.jobs(cluster);
            } catch (IllegalArgumentException e) {
                in.problem("cluster-id: " + e.getMessage());
            }
        }
        String runtime = in.string("runtime", KUBERNETES).toLowerCase(Locale.ROOT);
        if (!runtime.equals(KUBERNETES) && !runtime.equals(LOCAL)) {
            in.problem("runtime is '" + runtime + "': use kubernetes (pods through the API server of the kubeconfig or"
                    + " the in-cluster service account) or local (host processes)");
        }
        if (mode == Mode.AGENT && runtime.equals(LOCAL)) {
            in.problem("runtime is local, but the agent runs in a cluster: use runtime kubernetes, or run"
                    + " 'stashflow executor --runtime local' instead");
        }
        Optional<String> namespace = in.optionalString("namespace");
        JobScheduler.Limits limits = new JobScheduler.Limits(
                in.integer("max-concurrent-jobs", 0, 0, 1_000_000),
                in.integer("max-jobs-per-repository", 0, 0, 1_000_000),
                in.integer("max-jobs-per-invoker", 0, 0, 1_000_000),
                in.integer("pod-create-qps", 20, 0, 100_000),
                in.integer("pod-create-burst", 50, 1, 100_000));
        Duration zero = Duration.ZERO;
        PodFailureThresholds thresholds = new PodFailureThresholds(
                in.duration("image-pull-timeout", Duration.ofMinutes(5), zero),
                in.duration("container-config-timeout", Duration.ofMinutes(5), zero),
                in.duration("unschedulable-timeout", Duration.ofMinutes(10), zero),
                in.duration("node-lost-timeout", Duration.ofMinutes(5), zero));
        Duration check = in.duration("check-interval", Duration.ofSeconds(5), Duration.ofMillis(50));
        Path workDir = runtime.equals(LOCAL) ? in.directory("work-dir", Path.of("data", "executor"))
                : Path.of(in.string("work-dir", "data/executor"));
        String secretsDefault = environment.getOrDefault("STASHFLOW_SECRETS_DIR",
                Path.of(System.getProperty("user.home"), ".stashflow", "secrets").toString());
        Path secretsDir = Path.of(in.string("secrets-dir", secretsDefault));
        Map<String, List<String>> entrypoints = Map.of();
        Optional<String> entrySpecs = in.optionalString("local-entrypoints");
        if (entrySpecs.isPresent()) {
            try {
                entrypoints = EntrypointMap.parse(Arrays.stream(entrySpecs.get().split(";")).map(String::strip)
                        .filter(s -> !s.isEmpty()).toList());
            } catch (IllegalArgumentException e) {
                in.problem("local-entrypoints: " + e.getMessage() + "; separate entries with ';'");
            }
        }
        Optional<Path> jar = in.optionalString("stashflow-jar").map(Path::of);
        if (jar.isPresent() && !jar.get().toFile().isFile()) {
            in.problem("stashflow-jar is " + jar.get() + ", which is not a file: give the path of stashflow.jar"
                    + " (deploy/target/stashflow.jar after a build)");
        }
        Duration killGrace = in.duration("kill-grace", Duration.ofSeconds(10), zero);
        String groupId = in.string("group-id", "stashflow-executor-" + (cluster.isEmpty() ? "unknown" : cluster));
        String httpHost = in.string("http-host", "127.0.0.1");
        int httpPort = in.port("http-port", 8083, true);
        int partitions = in.integer("partitions", 3, 1, 10_000);
        int replication = in.integer("replication-factor", 1, 1, 100);
        boolean mirror = in.bool("mirror", mode == Mode.AGENT);
        if (mirror && runtime.equals(LOCAL)) {
            in.problem("mirror is on, but there is no cluster to mirror with the local runtime: set mirror to false");
        }
        Duration resync = in.duration("mirror-resync", Duration.ofMinutes(10), Duration.ofSeconds(1));
        in.validate();
        return new ExecutorConfig(bootstrap, registry, topics, cluster, runtime, namespace, limits, thresholds, check,
                workDir, secretsDir, entrypoints, jar, killGrace, groupId, httpHost, httpPort, partitions,
                (short) replication, mirror, resync);
    }
}
