package io.stashflow.builtin.restic;

import java.nio.file.Path;

/**
 * Where the restic repository is and how to reach it: the values of Stash's repository flags
 * ({@code --provider --bucket --endpoint --region --path --insecure-tls --max-connections --enable-cache
 * --scratch-dir}), which the built-in Functions fill from the {@code REPOSITORY_*} variables.
 *
 * @param provider {@code local}, {@code s3}, {@code gcs}, {@code azure}, {@code swift}, {@code b2} or {@code rest}
 * @param bucket bucket or container; for {@code local} the directory the repository lives in (the backend's
 *     mount path); for {@code rest} the server's host (unused, the endpoint says everything)
 * @param endpoint the S3 endpoint (empty: Amazon S3), or the REST server URL
 * @param region the S3 region, empty for none
 * @param prefix the directory inside the bucket; for {@code rest} the URL's path
 * @param insecureTls skip TLS certificate verification towards the repository
 * @param maxConnections restic's {@code <backend>.connections} option for gcs, azure and b2; 0 for restic's default
 * @param enableCache keep restic's cache under {@code <scratchDir>/restic-cache}; otherwise {@code --no-cache}
 * @param scratchDir the step's scratch directory ({@code /stash-tmp} in the pod); restic's cache and temporary
 *     files go below it
 */
public record RepositorySettings(
        String provider,
        String bucket,
        String endpoint,
        String region,
        String prefix,
        boolean insecureTls,
        long maxConnections,
        boolean enableCache,
        Path scratchDir) {

    public RepositorySettings {
        provider = nullToEmpty(provider).strip();
        bucket = nullToEmpty(bucket);
        endpoint = nullToEmpty(endpoint);
        region = nullToEmpty(region);
        prefix = nullToEmpty(prefix);
        if (scratchDir == null) {
            throw new IllegalArgumentException("scratchDir is required");
        }
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
