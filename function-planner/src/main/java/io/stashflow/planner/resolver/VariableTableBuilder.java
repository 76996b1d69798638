package io.stashflow.planner.resolver;

import static io.stashflow.planner.resolver.VariableNames.*;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stash's built-in variable table, one group per method. Every method is an overwrite-merge into the same
 * table, exactly like Stash's {@code setVariables} (S:pkg/resolver/inputs.go), so the order in which a caller
 * invokes the methods decides who wins; {@link StashVariables} invokes them in Stash's order. The conditional
 * presence rules of section 2.3 live here: a variable that Stash leaves out stays out, because
 * {@code ${X}} without a default fails exactly when X is absent.
 *
 * <p>All inputs are plain values, so the rules can be tested without building resources.
 */
public final class VariableTableBuilder {

    private final LinkedHashMap<String, String> values = new LinkedHashMap<>();

    /**
     * Repository variables: name, namespace, provider, bucket, prefix always; {@code REPOSITORY_SECRET_*} only
     * with a storage secret; {@code REPOSITORY_ENDPOINT} only for s3 with an endpoint or rest;
     * {@code REPOSITORY_REGION} only for s3; {@code REPOSITORY_INSECURE_TLS} and {@code MAX_CONNECTIONS} always.
     */
    public VariableTableBuilder repository(String name, String namespace, RepositoryLocation location) {
        values.put(REPOSITORY_NAME, name);
        values.put(REPOSITORY_NAMESPACE, namespace);
        values.put(REPOSITORY_PROVIDER, location.provider());
        values.put(REPOSITORY_BUCKET, location.bucket());
        values.put(REPOSITORY_PREFIX, location.prefix());
        if (location.hasStorageSecret()) {
            values.put(REPOSITORY_SECRET_NAME, location.storageSecretName());
            values.put(REPOSITORY_SECRET_NAMESPACE, namespace);
        }
        values.put(REPOSITORY_INSECURE_TLS, Boolean.toString(location.insecureTls()));
        if (location.endpoint() != null) {
            values.put(REPOSITORY_ENDPOINT, location.endpoint());
        }
        if (location.region() != null) {
            values.put(REPOSITORY_REGION, location.region());
        }
        values.put(MAX_CONNECTIONS, Long.toString(location.maxConnections()));
        return this;
    }

    /** {@code TARGET_KIND}, {@code TARGET_NAME}, {@code TARGET_NAMESPACE}: each only when non-empty. */
    public VariableTableBuilder targetReference(String kind, String name, String namespace) {
        putIfNotEmpty(TARGET_KIND, kind);
        putIfNotEmpty(TARGET_NAME, name);
        putIfNotEmpty(TARGET_NAMESPACE, namespace);
        return this;
    }

    /** {@code TARGET_PATHS}: the paths joined with {@code ,}, or {@code /stash-data} when there are none. */
    public VariableTableBuilder targetPaths(List<String> paths) {
        values.put(TARGET_PATHS, paths.isEmpty() ? DEFAULT_DATA_PATH : String.join(",", paths));
        return this;
    }

    /** {@code DRIVER_ARGS} (joined with a space) and {@code EXCLUDE_PATTERNS} (joined with {@code ,}), each only when non-empty. */
    public VariableTableBuilder driver(List<String> args, List<String> excludePatterns) {
        if (!args.isEmpty()) {
            values.put(DRIVER_ARGS, String.join(" ", args));
        }
        if (!excludePatterns.isEmpty()) {
            values.put(EXCLUDE_PATTERNS, String.join(",", excludePatterns));
        }
        return this;
    }

    /** {@code TARGET_MOUNT_PATH}: the first target mount's path, or {@code /stash-data}. */
    public VariableTableBuilder targetMountPath(String firstMountPath) {
        values.put(TARGET_MOUNT_PATH, firstMountPath == null ? DEFAULT_DATA_PATH : firstMountPath);
        return this;
    }

    /** {@code TARGET_NAME} of a restore into volume claim templates when the target ref has no name. */
    public VariableTableBuilder targetName(String name) {
        values.put(TARGET_NAME, name);
        return this;
    }

    public VariableTableBuilder hostname(String hostname) {
        values.put(HOSTNAME, hostname);
        return this;
    }

    /** {@code ENABLE_CACHE}: {@code "true"} unless {@code tempDir.disableCaching}. */
    public VariableTableBuilder enableCache(boolean disableCaching) {
        values.put(ENABLE_CACHE, Boolean.toString(!disableCaching));
        return this;
    }

    /** {@code INTERIM_DATA_DIR}: on the interim volume when one is declared, otherwise under the temp dir. */
    public VariableTableBuilder interimDataDir(boolean interimVolumeDeclared) {
        values.put(INTERIM_DATA_DIR, interimVolumeDeclared
                ? PodLayout.INTERIM_VOLUME_MOUNT_PATH + "/data"
                : PodLayout.TMP_MOUNT_PATH + "/stash-interim-volume/data");
        return this;
    }

    /**
     * {@code RETENTION_*}: counts only when greater than zero, tags only when non-empty, prune and dry-run only
     * when true.
     */
    public VariableTableBuilder retention(Retention retention) {
        putIfPositive(RETENTION_KEEP_LAST, retention.keepLast());
        putIfPositive(RETENTION_KEEP_HOURLY, retention.keepHourly());
        putIfPositive(RETENTION_KEEP_DAILY, retention.keepDaily());
        putIfPositive(RETENTION_KEEP_WEEKLY, retention.keepWeekly());
        putIfPositive(RETENTION_KEEP_MONTHLY, retention.keepMonthly());
        putIfPositive(RETENTION_KEEP_YEARLY, retention.keepYearly());
        if (!retention.keepTags().isEmpty()) {
            values.put(RETENTION_KEEP_TAGS, String.join(",", retention.keepTags()));
        }
        if (retention.prune()) {
            values.put(RETENTION_PRUNE, "true");
        }
        if (retention.dryRun()) {
            values.put(RETENTION_DRY_RUN, "true");
        }
        return this;
    }

    /**
     * The restore-host set: {@code HOSTNAME}, {@code SOURCE_HOSTNAME}, {@code RESTORE_PATHS},
     * {@code RESTORE_SNAPSHOTS}, {@code INCLUDE_PATTERNS} and {@code EXCLUDE_PATTERNS}, all always present.
     */
    public VariableTableBuilder restoreHost(RestoreHostOptions options) {
        values.put(HOSTNAME, options.host());
        values.put(SOURCE_HOSTNAME, options.sourceHost());
        values.put(RESTORE_PATHS, String.join(",", options.paths()));
        values.put(RESTORE_SNAPSHOTS, String.join(",", options.snapshots()));
        values.put(INCLUDE_PATTERNS, String.join(",", options.include()));
        values.put(EXCLUDE_PATTERNS, String.join(",", options.exclude()));
        return this;
    }

    /** {@code TARGET_APP_REPLICAS}: {@code target.replicas}, 1 when absent. */
    public VariableTableBuilder targetAppReplicas(Integer replicas) {
        values.put(TARGET_APP_REPLICAS, Integer.toString(replicas == null ? 1 : replicas));
        return this;
    }

    public VariableTableBuilder backupSession(String name, String namespace) {
        values.put(BACKUP_SESSION, name);
        values.put(NAMESPACE, namespace);
        return this;
    }

    public VariableTableBuilder restoreSession(String name, String namespace) {
        values.put(NAMESPACE, namespace);
        values.put(RESTORE_SESSION, name);
        return this;
    }

    public VariableTableBuilder invoker(String kind, String name) {
        values.put(INVOKER_KIND, kind);
        values.put(INVOKER_NAME, name);
        return this;
    }

    /** {@code STASH_DOCKER_REGISTRY}, {@code STASH_DOCKER_IMAGE}, {@code STASH_IMAGE_TAG} from Stashflow's image. */
    public VariableTableBuilder image(ResolverSettings settings) {
        values.put(STASH_DOCKER_REGISTRY, settings.dockerRegistry());
        values.put(STASH_DOCKER_IMAGE, settings.dockerImage());
        values.put(STASH_IMAGE_TAG, settings.imageTag());
        return this;
    }

    public VariableTableBuilder license(String licenseApiService) {
        values.put(LICENSE_APISERVICE, licenseApiService);
        return this;
    }

    /** {@code PROMETHEUS_PUSHGATEWAY_URL} and {@code PROMETHEUS_JOB_NAME} (the invoker's name, as in Stash). */
    public VariableTableBuilder metrics(String pushgatewayUrl, String invokerName) {
        values.put(PROMETHEUS_PUSHGATEWAY_URL, pushgatewayUrl);
        values.put(PROMETHEUS_JOB_NAME, invokerName);
        return this;
    }

    /** The invoker's {@code spec.task.params}, merged last so that they override every built-in. */
    public VariableTableBuilder taskParams(Map<String, String> params) {
        values.putAll(params);
        return this;
    }

    /** An unmodifiable copy of the table, in insertion order. */
    public Map<String, String> build() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    private void putIfNotEmpty(String key, String value) {
        if (value != null && !value.isEmpty()) {
            values.put(key, value);
        }
    }

    private void putIfPositive(String key, long value) {
        if (value > 0) {
            values.put(key, Long.toString(value));
        }
    }

    /** Retention values with Stash's zero/false defaults for absent fields. */
    public record Retention(long keepLast, long keepHourly, long keepDaily, long keepWeekly, long keepMonthly,
            long keepYearly, List<String> keepTags, boolean prune, boolean dryRun) {

        public Retention {
            keepTags = List.copyOf(keepTags);
        }

        public static final Retention NONE = new Retention(0, 0, 0, 0, 0, 0, List.of(), false, false);
    }

    /**
     * The restore rule chosen for a host (Stash's {@code RestoreOptionsForHost}).
     *
     * @param host       the restoring host's name; empty when no rule matched
     * @param sourceHost the host whose snapshots are restored; empty when no rule matched
     */
    public record RestoreHostOptions(String host, String sourceHost, List<String> paths, List<String> snapshots,
            List<String> include, List<String> exclude) {

        public RestoreHostOptions {
            paths = List.copyOf(paths);
            snapshots = List.copyOf(snapshots);
            include = List.copyOf(include);
            exclude = List.copyOf(exclude);
        }

        public static final RestoreHostOptions NO_MATCH =
                new RestoreHostOptions("", "", List.of(), List.of(), List.of(), List.of());
    }
}
