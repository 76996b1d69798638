package io.stashflow.builtin.cli;

import io.stashflow.builtin.restic.RepositorySettings;
import io.stashflow.builtin.secrets.RepositoryCredentials;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Stash's repository flags, shared by the commands that open the restic repository. */
public final class RepositoryOptions {

    @Option(names = "--provider", description = "Backend provider: local, s3, gcs, azure, swift, b2, rest (REPOSITORY_PROVIDER)")
    String provider = "";

    @Option(names = "--bucket", description = "Bucket or container; the repository directory for local (REPOSITORY_BUCKET)")
    String bucket = "";

    @Option(names = "--endpoint", description = "S3 endpoint or REST server URL (REPOSITORY_ENDPOINT)")
    String endpoint = "";

    @Option(names = "--region", description = "S3 region (REPOSITORY_REGION)")
    String region = "";

    @Option(names = "--path", description = "Directory inside the bucket (REPOSITORY_PREFIX)")
    String prefix = "";

    @Option(names = "--insecure-tls", arity = "0..1", fallbackValue = "true",
            description = "Skip TLS certificate verification towards the repository (REPOSITORY_INSECURE_TLS)")
    boolean insecureTls;

    @Option(names = "--max-connections", description = "Concurrent connections for gcs, azure and b2; 0 for restic's default (MAX_CONNECTIONS)")
    long maxConnections;

    @Option(names = "--enable-cache", arity = "0..1", fallbackValue = "true",
            description = "Keep restic's cache under <scratch-dir>/restic-cache (ENABLE_CACHE)")
    boolean enableCache;

    @Option(names = "--scratch-dir", description = "Scratch directory for restic's cache and temporary files (default: ${DEFAULT-VALUE})")
    Path scratchDir = Path.of("/stash-tmp");

    @Option(names = "--secret-dir", description = "Directory of a mounted storage Secret (one file per key); its keys win over the environment")
    Path secretDir;

    public RepositorySettings settings() {
        return new RepositorySettings(provider, bucket, endpoint, region, prefix, insecureTls, maxConnections,
                enableCache, scratchDir);
    }

    /**
     * The credentials from the environment and {@code --secret-dir}.
     *
     * @throws IllegalArgumentException when {@code --secret-dir} is not a directory
     */
    public RepositoryCredentials credentials(Map<String, String> environment) {
        return RepositoryCredentials.collect(environment, Optional.ofNullable(secretDir));
    }

    public Path scratchDir() {
        return scratchDir;
    }
}
