package io.stashflow.planner.service;

import io.stashflow.api.topics.Topics;
import io.stashflow.planner.resolver.ResolverSettings;
import io.stashflow.planner.topology.PlannerTopology;
import io.stashflow.service.config.ConfigReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The planner's settings, read from flags, environment ({@code STASHFLOW_<NAME>}) and an optional properties file
 * through {@link ConfigReader}, and validated all at once: a bad start lists every problem with the setting, where it
 * can be given and what a good value looks like.
 *
 * @param schemaRegistryUrl  Confluent-compatible registry; empty only when the caller supplies a registry itself
 *                           (standalone mode)
 * @param clusters           the cluster ids whose sessions this planner plans and whose invokers it schedules
 * @param definitionsCluster the cluster the definitions directory's files belong to (the first cluster)
 */
public record PlannerConfig(
        String bootstrapServers,
        Optional<URI> schemaRegistryUrl,
        Topics topics,
        String applicationId,
        Path stateDir,
        Set<String> clusters,
        String definitionsCluster,
        ResolverSettings resolverSettings,
        Optional<Path> definitionsDir,
        Duration definitionsPollInterval,
        String httpHost,
        int httpPort,
        int partitions,
        short replicationFactor,
        int streamThreads,
        Duration commitInterval,
        Duration recheckInterval,
        Duration definitionsGrace,
        Duration retention,
        Duration scheduleJitter,
        ZoneId scheduleTimeZone,
        Duration scheduleCheckInterval,
        Duration closeTimeout,
        boolean createTopics,
        int planCacheSize) {

    /** The planner's Kafka Streams commit interval unless configured (the benchmarks give their pass-through it). */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);

    public static final String SERVICE = "planner";
    public static final String DEFAULT_CLUSTER = "standalone";
    public static final String DEFAULT_APPLICATION_ID = "stashflow-planner";
    public static final int DEFAULT_HTTP_PORT = 8082;

    private static final Pattern CLUSTER_ID = Pattern.compile("[a-zA-Z0-9._-]+");

    /** Every setting name, for help texts and flag mapping. */
    public static final List<String> SETTINGS = List.of("bootstrap-servers", "schema-registry-url", "topic-prefix",
            "application-id", "state-dir", "clusters", "resolver-image", "pushgateway-url", "license-apiservice",
            "definitions-dir", "definitions-poll-interval", "http-host", "http-port", "partitions",
            "replication-factor", "stream-threads", "commit-interval", "recheck-interval", "definitions-grace",
            "retention", "schedule-jitter", "schedule-time-zone", "schedule-check-interval", "close-timeout",
            "create-topics", "plan-cache-size");

    /**
     * Reads and validates every setting.
     *
     * @param registryRequired false when the caller passes its own schema registry (standalone mode)
     * @throws io.stashflow.service.config.ConfigException listing every problem
     */
    public static PlannerConfig read(ConfigReader reader, boolean registryRequired) {
        String bootstrap = reader.requiredString("bootstrap-servers", "127.0.0.1:9092");
        Optional<URI> registry = reader.httpUrl("schema-registry-url");
        if (registryRequired && registry.isEmpty() && reader.optionalString("schema-registry-url").isEmpty()) {
            reader.problem("schema-registry-url is required: set --schema-registry-url / "
                    + reader.envName("schema-registry-url") + ", e.g. http://127.0.0.1:8081 (a Confluent-compatible"
                    + " registry: Confluent, Apicurio's ccompat API, Redpanda, Karapace)");
        }
        String prefix = reader.string("topic-prefix", Topics.DEFAULT_PREFIX);
        Topics topics;
        try {
            topics = new Topics(prefix);
        } catch (IllegalArgumentException e) {
            reader.problem("topic-prefix: " + e.getMessage() + " (--topic-prefix / " + reader.envName("topic-prefix")
                    + ")");
            topics = Topics.withDefaultPrefix();
        }
        String applicationId = reader.string("application-id", DEFAULT_APPLICATION_ID);
        if (!CLUSTER_ID.matcher(applicationId).matches()) {
            reader.problem("application-id '" + applicationId + "' may only contain letters, digits, '.', '_' and '-'"
                    + " (it prefixes Kafka topic names); set --application-id / " + reader.envName("application-id"));
        }
        Path stateDir = reader.directory("state-dir", Path.of("data", "planner"));

        Set<String> clusters = new LinkedHashSet<>();
        for (String part : reader.string("clusters", DEFAULT_CLUSTER).split(",")) {
            String id = part.trim();
            if (id.isEmpty()) {
                continue;
            }
            if (!CLUSTER_ID.matcher(id).matches()) {
                reader.problem("clusters: cluster id '" + id + "' may only contain letters, digits, '.', '_' and '-'"
                        + " (it becomes part of the topic " + topics.prefix() + ".jobs.<cluster>); set --clusters / "
                        + reader.envName("clusters") + ", e.g. prod-eu,prod-us");
            } else {
                try {
                    topics.jobs(id);
                    clusters.add(id);
                } catch (IllegalArgumentException e) {
                    reader.problem("clusters: " + e.getMessage());
                }
            }
        }
        if (clusters.isEmpty()) {
            reader.problem("clusters names no cluster: set --clusters / " + reader.envName("clusters")
                    + " to one or more cluster ids, e.g. " + DEFAULT_CLUSTER);
            clusters.add(DEFAULT_CLUSTER);
        }

        ResolverSettings resolver = ResolverSettings.defaults();
        Optional<String> image = reader.optionalString("resolver-image");
        if (image.isPresent()) {
            try {
                resolver = resolver.withStashflowImage(image.get());
            } catch (IllegalArgumentException e) {
                reader.problem("resolver-image: " + e.getMessage() + " (--resolver-image / "
                        + reader.envName("resolver-image") + ")");
            }
        }
        Optional<URI> pushgateway = reader.httpUrl("pushgateway-url");
        if (pushgateway.isPresent()) {
            resolver = resolver.withPushgatewayUrl(pushgateway.get().toString());
        }
        resolver = resolver.withLicenseApiService(reader.string("license-apiservice", ""));

        Optional<Path> definitionsDir = reader.optionalString("definitions-dir").map(Path::of);
        if (definitionsDir.isPresent() && !Files.isDirectory(definitionsDir.get())) {
            reader.problem("definitions-dir " + definitionsDir.get().toAbsolutePath() + " is not a directory: create"
                    + " it, point --definitions-dir / " + reader.envName("definitions-dir") + " at the directory"
                    + " holding your Stash YAML files, or leave it out (definitions then come only from"
                    + " stash.definitions)");
        }
        Duration pollInterval = reader.duration("definitions-poll-interval", Duration.ofSeconds(2),
                Duration.ofMillis(100));
        String httpHost = reader.string("http-host", "0.0.0.0");
        int httpPort = reader.port("http-port", DEFAULT_HTTP_PORT, true);
        int partitions = reader.integer("partitions", 6, 1, 10_000);
        int replication = reader.integer("replication-factor", 1, 1, 32);
        int threads = reader.integer("stream-threads", 1, 1, 64);
        // Kafka Streams' own default under exactly-once: a plan crosses one commit, so its latency stays near it
        Duration commit = reader.duration("commit-interval", DEFAULT_COMMIT_INTERVAL, Duration.ofMillis(10));
        Duration recheck = reader.duration("recheck-interval", Duration.ofSeconds(1), Duration.ofMillis(100));
        Duration grace = reader.duration("definitions-grace", Duration.ofSeconds(10), Duration.ZERO);
        Duration retention = reader.duration("retention", Duration.ofDays(7), Duration.ofMinutes(1));
        Duration jitter = reader.duration("schedule-jitter", Duration.ZERO, Duration.ZERO);
        ZoneId zone = ZoneOffset.UTC;
        Optional<String> zoneText = reader.optionalString("schedule-time-zone");
        if (zoneText.isPresent()) {
            try {
                zone = ZoneId.of(zoneText.get());
            } catch (DateTimeException e) {
                reader.problem("schedule-time-zone '" + zoneText.get() + "' is not a time zone: use an IANA name such"
                        + " as UTC or Europe/Berlin (--schedule-time-zone / " + reader.envName("schedule-time-zone")
                        + ")");
            }
        }
        Duration check = reader.duration("schedule-check-interval", Duration.ofSeconds(1), Duration.ofMillis(100));
        Duration close = reader.duration("close-timeout", Duration.ofSeconds(30), Duration.ofSeconds(1));
        boolean createTopics = reader.bool("create-topics", true);
        int planCacheSize = reader.integer("plan-cache-size", PlannerTopology.Settings.DEFAULT_PLAN_CACHE_SIZE, 0,
                1_000_000);
        reader.validate();
        return new PlannerConfig(bootstrap, registry, topics, applicationId, stateDir, Set.copyOf(clusters),
                clusters.iterator().next(), resolver, definitionsDir, pollInterval, httpHost, httpPort, partitions,
                (short) replication, threads, commit, recheck, grace, retention, jitter, zone, check, close,
                createTopics, planCacheSize);
    }

    /** The application id of the scheduler's Streams application. */
    public String schedulerApplicationId() {
        return applicationId + "-scheduler";
    }

    /** Names and values of the settings, for the start-up log line (no secrets among them). */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("bootstrap-servers=" + bootstrapServers);
        lines.add("schema-registry-url=" + schemaRegistryUrl.map(URI::toString).orElse("(in-process)"));
        lines.add("topic-prefix=" + topics.prefix());
        lines.add("application-id=" + applicationId);
        lines.add("state-dir=" + stateDir.toAbsolutePath());
        lines.add("clusters=" + String.join(",", clusters));
        lines.add("resolver-image=" + resolverSettings.stashflowImage());
        lines.add("pushgateway-url=" + resolverSettings.pushgatewayUrl());
        lines.add("definitions-dir=" + definitionsDir.map(p -> p.toAbsolutePath().toString()).orElse("(none)"));
        lines.add("http=" + httpHost + ":" + httpPort);
        lines.add("partitions=" + partitions + " replication-factor=" + replicationFactor + " stream-threads="
                + streamThreads + " commit-interval=" + commitInterval.toMillis() + "ms plan-cache-size="
                + planCacheSize);
        return lines;
    }
}
