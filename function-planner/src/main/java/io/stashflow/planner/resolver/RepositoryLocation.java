package io.stashflow.planner.resolver;

import io.stashflow.api.model.Backend;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The values of a Repository backend that become {@code REPOSITORY_*} variables, derived the way Stash derives
 * them (section 2.3 of the semantics notes).
 *
 * @param provider          {@code local}, {@code s3}, {@code gcs}, {@code azure}, {@code swift}, {@code b2} or
 *                          {@code rest}
 * @param bucket            bucket or container; for {@code local} the mount path; for {@code rest} the URL's host
 * @param prefix            prefix; empty for {@code local}; for {@code rest} the URL's path
 * @param endpoint          {@code s3.endpoint} when non-empty, or the REST server URL; {@code null} otherwise
 *                          (then {@code REPOSITORY_ENDPOINT} is absent)
 * @param region            {@code s3.region} (possibly empty) for s3; {@code null} for other providers
 * @param insecureTls       {@code s3.insecureTLS}; false for other providers
 * @param maxConnections    {@code maxConnections} of gcs/azure/b2; 0 otherwise
 * @param storageSecretName the Secret's name; {@code null} or empty when there is none
 */
public record RepositoryLocation(String provider, String bucket, String prefix, String endpoint, String region,
        boolean insecureTls, long maxConnections, String storageSecretName) {

    /**
     * Reads the location from a backend.
     *
     * @throws IllegalArgumentException when the backend names no provider (the message says what to add)
     */
    public static RepositoryLocation of(Backend backend) {
        if (backend == null) {
            throw new IllegalArgumentException("spec.backend is missing; add exactly one of local, s3, gcs, azure,"
                    + " swift, b2 or rest");
        }
        String provider = backend.provider().orElseThrow(() -> new IllegalArgumentException(
                "spec.backend names no storage provider; add exactly one of local, s3, gcs, azure, swift, b2 or rest"));
        String secret = backend.storageSecretName();
        switch (provider) {
            case "local":
                return new RepositoryLocation(provider, nullToEmpty(backend.local().mountPath()), "", null, null,
                        false, 0, secret);
            case "s3": {
                var s3 = backend.s3();
                String endpoint = s3.endpoint() == null || s3.endpoint().isEmpty() ? null : s3.endpoint();
                return new RepositoryLocation(provider, nullToEmpty(s3.bucket()), nullToEmpty(s3.prefix()), endpoint,
                        nullToEmpty(s3.region()), Boolean.TRUE.equals(s3.insecureTLS()), 0, secret);
            }
            case "gcs":
                return new RepositoryLocation(provider, nullToEmpty(backend.gcs().bucket()),
                        nullToEmpty(backend.gcs().prefix()), null, null, false,
                        orZero(backend.gcs().maxConnections()), secret);
            case "azure":
                return new RepositoryLocation(provider, nullToEmpty(backend.azure().container()),
                        nullToEmpty(backend.azure().prefix()), null, null, false,
                        orZero(backend.azure().maxConnections()), secret);
            case "swift":
                return new RepositoryLocation(provider, nullToEmpty(backend.swift().container()),
                        nullToEmpty(backend.swift().prefix()), null, null, false, 0, secret);
            case "b2":
                return new RepositoryLocation(provider, nullToEmpty(backend.b2().bucket()),
                        nullToEmpty(backend.b2().prefix()), null, null, false,
                        orZero(backend.b2().maxConnections()), secret);
            case "rest": {
                String url = nullToEmpty(backend.rest().url());
                String host = "";
                String path = "";
                if (!url.isEmpty()) {
                    try {
                        URI uri = new URI(url);
                        host = nullToEmpty(uri.getHost());
                        path = nullToEmpty(uri.getPath());
                    } catch (URISyntaxException e) {
                        throw new IllegalArgumentException("spec.backend.rest.url '" + url + "' is not a URL: "
                                + e.getMessage() + "; write it as http(s)://host[:port]/path", e);
                    }
                }
                return new RepositoryLocation(provider, host, path, url, null, false, 0, secret);
            }
            default:
                throw new IllegalArgumentException("spec.backend provider '" + provider + "' is unknown");
        }
    }

    /** Whether the backend names a credentials Secret (an empty name counts as none, like in Stash). */
    public boolean hasStorageSecret() {
        return storageSecretName != null && !storageSecretName.isEmpty();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
