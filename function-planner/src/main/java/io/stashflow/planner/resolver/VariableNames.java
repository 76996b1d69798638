package io.stashflow.planner.resolver;

/** Names of Stash's built-in variables (the constants of stashed/apimachinery {@code apis/constants.go}). */
public final class VariableNames {

    private VariableNames() {
    }

    public static final String NAMESPACE = "NAMESPACE";
    public static final String BACKUP_SESSION = "BACKUP_SESSION";
    public static final String RESTORE_SESSION = "RESTORE_SESSION";
    public static final String INVOKER_KIND = "INVOKER_KIND";
    public static final String INVOKER_NAME = "INVOKER_NAME";

    public static final String REPOSITORY_NAME = "REPOSITORY_NAME";
    public static final String REPOSITORY_NAMESPACE = "REPOSITORY_NAMESPACE";
    public static final String REPOSITORY_PROVIDER = "REPOSITORY_PROVIDER";
    public static final String REPOSITORY_BUCKET = "REPOSITORY_BUCKET";
    public static final String REPOSITORY_PREFIX = "REPOSITORY_PREFIX";
    public static final String REPOSITORY_SECRET_NAME = "REPOSITORY_SECRET_NAME";
    public static final String REPOSITORY_SECRET_NAMESPACE = "REPOSITORY_SECRET_NAMESPACE";
    public static final String REPOSITORY_ENDPOINT = "REPOSITORY_ENDPOINT";
    public static final String REPOSITORY_REGION = "REPOSITORY_REGION";
    public static final String REPOSITORY_INSECURE_TLS = "REPOSITORY_INSECURE_TLS";
    public static final String MAX_CONNECTIONS = "MAX_CONNECTIONS";

    public static final String TARGET_KIND = "TARGET_KIND";
    public static final String TARGET_NAME = "TARGET_NAME";
    public static final String TARGET_NAMESPACE = "TARGET_NAMESPACE";
    public static final String TARGET_PATHS = "TARGET_PATHS";
    public static final String TARGET_MOUNT_PATH = "TARGET_MOUNT_PATH";
    public static final String DRIVER_ARGS = "DRIVER_ARGS";
    public static final String EXCLUDE_PATTERNS = "EXCLUDE_PATTERNS";
    public static final String INCLUDE_PATTERNS = "INCLUDE_PATTERNS";
    public static final String RESTORE_PATHS = "RESTORE_PATHS";
    public static final String RESTORE_SNAPSHOTS = "RESTORE_SNAPSHOTS";
    public static final String HOSTNAME = "HOSTNAME";
    public static final String SOURCE_HOSTNAME = "SOURCE_HOSTNAME";
    public static final String TARGET_APP_REPLICAS = "TARGET_APP_REPLICAS";
    public static final String ENABLE_CACHE = "ENABLE_CACHE";
    public static final String INTERIM_DATA_DIR = "INTERIM_DATA_DIR";

    public static final String RETENTION_KEEP_LAST = "RETENTION_KEEP_LAST";
    public static final String RETENTION_KEEP_HOURLY = "RETENTION_KEEP_HOURLY";
    public static final String RETENTION_KEEP_DAILY = "RETENTION_KEEP_DAILY";
    public static final String RETENTION_KEEP_WEEKLY = "RETENTION_KEEP_WEEKLY";
    public static final String RETENTION_KEEP_MONTHLY = "RETENTION_KEEP_MONTHLY";
    public static final String RETENTION_KEEP_YEARLY = "RETENTION_KEEP_YEARLY";
    public static final String RETENTION_KEEP_TAGS = "RETENTION_KEEP_TAGS";
    public static final String RETENTION_PRUNE = "RETENTION_PRUNE";
    public static final String RETENTION_DRY_RUN = "RETENTION_DRY_RUN";

    public static final String STASH_DOCKER_REGISTRY = "STASH_DOCKER_REGISTRY";
    public static final String STASH_DOCKER_IMAGE = "STASH_DOCKER_IMAGE";
    public static final String STASH_IMAGE_TAG = "STASH_IMAGE_TAG";
    public static final String LICENSE_APISERVICE = "LICENSE_APISERVICE";
    public static final String PROMETHEUS_PUSHGATEWAY_URL = "PROMETHEUS_PUSHGATEWAY_URL";
    public static final String PROMETHEUS_JOB_NAME = "PROMETHEUS_JOB_NAME";

    public static final String ADDON_IMAGE = "ADDON_IMAGE";
    public static final String HOOK_TYPE = "HOOK_TYPE";

    /** Variables of BackupBlueprint strings (section 1.8). */
    public static final String TARGET_API_VERSION = "TARGET_API_VERSION";
    public static final String TARGET_APP_VERSION = "TARGET_APP_VERSION";
    public static final String TARGET_APP_GROUP = "TARGET_APP_GROUP";
    public static final String TARGET_APP_RESOURCE = "TARGET_APP_RESOURCE";
    public static final String TARGET_APP_TYPE = "TARGET_APP_TYPE";

    /** Stash's default data path for targets without paths or mounts. */
    public static final String DEFAULT_DATA_PATH = "/stash-data";
    /** Stash's default host name (a Job backs up one host). */
    public static final String DEFAULT_HOST = "host-0";
}
