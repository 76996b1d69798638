package io.stashflow.api.model;

import java.util.Optional;

/**
 * kmodules objectstore backend: the Secret holding the credentials (only its name, never its values) and
 * exactly one storage provider.
 */
public record Backend(
        String storageSecretName,
        LocalSpec local,
        S3Spec s3,
        GCSSpec gcs,
        AzureSpec azure,
        SwiftSpec swift,
        B2Spec b2,
        RestServerSpec rest) {

    /**
     * The provider name Stash uses for {@code REPOSITORY_PROVIDER} ({@code local}, {@code s3}, {@code gcs},
     * {@code azure}, {@code swift}, {@code b2}, {@code rest}): the first provider set, in that order; empty
     * when none is set.
     */
    public Optional<String> provider() {
        if (local != null) {
            return Optional.of("local");
        }
        if (s3 != null) {
            return Optional.of("s3");
        }
        if (gcs != null) {
            return Optional.of("gcs");
        }
        if (azure != null) {
            return Optional.of("azure");
        }
        if (swift != null) {
            return Optional.of("swift");
        }
        if (b2 != null) {
            return Optional.of("b2");
        }
        if (rest != null) {
            return Optional.of("rest");
        }
        return Optional.empty();
    }
}
