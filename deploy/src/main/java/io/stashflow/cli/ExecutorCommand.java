package io.stashflow.cli;

import io.stashflow.api.registry.http.ConfluentRestSchemaRegistry;
import io.stashflow.executor.ExecutorApplication;
import io.stashflow.executor.config.ExecutorConfig;
import io.stashflow.executor.kubernetes.KubernetesClients;
import io.stashflow.service.config.ConfigException;
import io.stashflow.service.config.ConfigReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code stashflow executor}: runs the job executor of one cluster until SIGTERM/SIGINT, then stops it gracefully.
 * Every option can also come from the environment ({@code STASHFLOW_<OPTION>}, upper case, dashes to underscores) or
 * from {@code --config-file} (a properties file with the option names as keys); flags win over the environment, which
 * wins over the file.
 */
@Command(
        name = "executor",
        mixinStandardHelpOptions = true,
        description = {
            "Run the job executor of one cluster: reads JobPlanned from <prefix>.jobs.<cluster-id>, runs each plan as a"
                    + " pod (--runtime kubernetes) or as host processes (--runtime local), and writes StepOutcome"
                    + " events. Serves /healthz, /readyz, /metrics and /queue.",
            "",
            "Exit status: 0 after a clean stop, 2 for invalid configuration, 1 when the service fails to start.",
        })
public final class ExecutorCommand implements Callable<Integer> {

    static final int BAD_CONFIGURATION = 2;
    static final int FAILED = 1;

    /** The options the executor and the agent share. */
    static final class Options {
        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (required).")
        String bootstrapServers;
        @Option(names = "--schema-registry-url", paramLabel = "URL",
                description = "Confluent-compatible schema registry (default http://127.0.0.1:8081).")
        String schemaRegistryUrl;
        @Option(names = "--topic-prefix", description = "Topic prefix (default stash).")
        String topicPrefix;
        @Option(names = "--cluster-id", description = "This cluster's id; the agent reads <prefix>.jobs.<cluster-id> only (required).")
        String clusterId;
        @Option(names = "--namespace", description = "Kubernetes: run and watch pods in this namespace only (default: all).")
        String namespace;
        @Option(names = "--max-concurrent-jobs", description = "Plans running at once in this cluster; 0 = unlimited (default 0).")
        String maxConcurrentJobs;
        @Option(names = "--max-jobs-per-repository", description = "Plans running at once per Repository; 0 = unlimited (default 0).")
        String maxJobsPerRepository;
        @Option(names = "--max-jobs-per-invoker", description = "Plans running at once per invoker; 0 = unlimited (default 0).")
        String maxJobsPerInvoker;
        @Option(names = "--pod-create-qps", description = "Pod creations per second; 0 = unlimited (default 20).")
        String podCreateQps;
        @Option(names = "--pod-create-burst", description = "Pod creations allowed in a burst (default 50).")
        String podCreateBurst;
        @Option(names = "--image-pull-timeout", description = "Fail a session whose pod cannot pull an image for this long (default 5m).")
        String imagePullTimeout;
        @Option(names = "--container-config-timeout", description = "Same for CreateContainerConfigError, e.g. a missing Secret (default 5m).")
        String containerConfigTimeout;
        @Option(names = "--unschedulable-timeout", description = "Fail a session whose pod cannot be scheduled for this long (default 10m).")
        String unschedulableTimeout;
        @Option(names = "--node-lost-timeout", description = "Fail a session whose pod is in phase Unknown for this long (default 5m).")
        String nodeLostTimeout;
        @Option(names = "--check-interval", description = "How often pods are re-judged for deadlines and stuck timers (default 5s).")
        String checkInterval;
        @Option(names = "--group-id", description = "Kafka consumer group (default stashflow-executor-<cluster-id>).")
        String groupId;
        @Option(names = "--http-host", description = "Address of the HTTP endpoint (default 127.0.0.1).")
        String httpHost;
        @Option(names = "--http-port", description = "Port of the HTTP endpoint; 0 = any free port (default 8083).")
        String httpPort;
        @Option(names = "--partitions", description = "Partitions of topics created when missing (default 3).")
        String partitions;
        @Option(names = "--replication-factor", description = "Replication of topics created when missing (default 1).")
        String replicationFactor;
        @Option(names = "--config-file", paramLabel = "FILE", description = "Properties file with any of the options.")
        Path configFile;

        void putInto(Map<String, String> flags) {
            put(flags, "bootstrap-servers", bootstrapServers);
            put(flags, "schema-registry-url", schemaRegistryUrl);
            put(flags, "topic-prefix", topicPrefix);
            put(flags, "cluster-id", clusterId);
            put(flags, "namespace", namespace);
            put(flags, "max-concurrent-jobs", maxConcurrentJobs);
            put(flags, "max-jobs-per-repository", maxJobsPerRepository);
            put(flags, "max-jobs-per-invoker", maxJobsPerInvoker);
            put(flags, "pod-create-qps", podCreateQps);
            put(flags, "pod-create-burst", podCreateBurst);
            put(flags, "image-pull-timeout", imagePullTimeout);
            put(flags, "container-config-timeout", containerConfigTimeout);
            put(flags, "unschedulable-timeout", unschedulableTimeout);
            put(flags, "node-lost-timeout", nodeLostTimeout);
            put(flags, "check-interval", checkInterval);
            put(flags, "group-id", groupId);
            put(flags, "http-host", httpHost);
            put(flags, "http-port", httpPort);
            put(flags, "partitions", partitions);
            put(flags, "replication-factor", replicationFactor);
        }
    }

    @Mixin
    Options options = new Options();

    @Option(names = "--runtime", description = "kubernetes (pods; the kubeconfig or in-cluster account) or local (host processes); default kubernetes.")
    String runtime;
    @Option(names = "--work-dir", paramLabel = "DIR", description = "Local runtime: runs and claim directories (default data/executor).")
    String workDir;
    @Option(names = "--secrets-dir", paramLabel = "DIR", description = "Local runtime: Secrets as <namespace>/<secret>/<key> files or <namespace>/<secret>.env (default $STASHFLOW_SECRETS_DIR, else ~/.stashflow/secrets).")
    String secretsDir;
    @Option(names = "--local-entrypoints", paramLabel = "IMAGE=PROGRAM ARGS;...", description = "Local runtime: what runs for a container without command, by image (with or without tag).")
    String localEntrypoints;
    @Option(names = "--stashflow-jar", paramLabel = "FILE", description = "Local runtime: the jar Stashflow's own image runs (default: this jar).")
    String stashflowJar;
    @Option(names = "--kill-grace", description = "Local runtime: SIGTERM to SIGKILL grace of a stopped step (default 10s).")
    String killGrace;
    @Option(names = "--mirror", description = "Also mirror this cluster's Stash resources into <prefix>.definitions (default false; the agent does).")
    String mirror;
    @Option(names = "--mirror-resync", description = "How often the mirror republishes every resource (default 10m).")
    String mirrorResync;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> environment;

    public ExecutorCommand() {
        this(System.getenv());
    }

    ExecutorCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    Map<String, String> flags() {
        Map<String, String> flags = new LinkedHashMap<>();
        options.putInto(flags);
        put(flags, "runtime", runtime);
        put(flags, "work-dir", workDir);
        put(flags, "secrets-dir", secretsDir);
        put(flags, "local-entrypoints", localEntrypoints);
        put(flags, "stashflow-jar", stashflowJar);
        put(flags, "kill-grace", killGrace);
        put(flags, "mirror", mirror);
        put(flags, "mirror-resync", mirrorResync);
        return flags;
    }

    ExecutorConfig config() {
        return ExecutorConfig.read(ConfigReader.of("executor", flags(), environment,
                Optional.ofNullable(options.configFile)), ExecutorConfig.Mode.EXECUTOR, environment);
    }

    @Override
    public Integer call() {
        ExecutorConfig config;
        try {
            config = config();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return BAD_CONFIGURATION;
        }
        return run(config, ExecutorConfig.Mode.EXECUTOR, spec.commandLine().getErr());
    }

    /** Starts the service and blocks until the JVM is asked to stop. */
    static int run(ExecutorConfig config, ExecutorConfig.Mode mode, PrintWriter err) {
        ExecutorApplication app;
        try {
            app = ExecutorApplication.start(config, mode,
                    ConfluentRestSchemaRegistry.builder(config.schemaRegistryUrl().toString()).build(),
                    KubernetesClients::fromStandardConfig, Clock.systemUTC());
        } catch (RuntimeException e) {
            err.println(mode.name().toLowerCase(java.util.Locale.ROOT) + " failed to start: " + e.getMessage());
            return FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "executor-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    static void put(Map<String, String> flags, String name, String value) {
        if (value != null) {
            flags.put(name, value);
        }
    }
}
