package io.stashflow.planner.resolver;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Properties;

/**
 * Operator-level values that Stash takes from its own deployment (flags and its container image) and that end
 * up in built-in variables and in the containers Stashflow adds itself.
 *
 * @param stashflowImage   Stashflow's container image ({@code registry/repository:tag}); the built-in
 *                         Functions and the hook containers run it. It is split into the variables
 *                         {@code STASH_DOCKER_REGISTRY} (everything before the last {@code /}),
 *                         {@code STASH_DOCKER_IMAGE} (the last path segment) and {@code STASH_IMAGE_TAG}, the
 *                         way Stash splits its operator image. Default
 *                         {@code ghcr.io/stashflow/stashflow:<version of this build>} ({@code latest} when the
 *                         version is unknown, e.g. when running from class directories).
 * @param pushgatewayUrl   value of {@code PROMETHEUS_PUSHGATEWAY_URL} and of the hook containers'
 *                         {@code --metrics-pushgateway-url}. Default {@code http://localhost:56789}, the default
 *                         of Stash's {@code --pushgateway-url} flag.
 * @param licenseApiService value of {@code LICENSE_APISERVICE}. Default empty (the community operator's
 *                         default; catalog Functions pass it through as {@code --license-apiservice=}).
 */
public record ResolverSettings(String stashflowImage, String pushgatewayUrl, String licenseApiService) {

    /** Registry and repository of Stashflow's published image. */
    public static final String DEFAULT_IMAGE_REPOSITORY = "ghcr.io/stashflow/stashflow";
    /** Stash's own default for {@code --pushgateway-url}. */
    public static final String DEFAULT_PUSHGATEWAY_URL = "http://localhost:56789";

    public ResolverSettings {
        Objects.requireNonNull(stashflowImage, "stashflowImage");
        Objects.requireNonNull(pushgatewayUrl, "pushgatewayUrl");
        Objects.requireNonNull(licenseApiService, "licenseApiService");
        if (stashflowImage.contains("@")) {
            // Stash's image variables are registry/image:tag; a digest cannot be expressed in them.
            throw new IllegalArgumentException("Stashflow image '" + stashflowImage
                    + "' is pinned by digest; give it as registry/repository:tag");
        }
        int lastSlash = stashflowImage.lastIndexOf('/');
        if (lastSlash <= 0 || lastSlash == stashflowImage.length() - 1) {
            throw new IllegalArgumentException("Stashflow image '" + stashflowImage
                    + "' has no registry part; give it as registry/repository:tag, e.g. "
                    + DEFAULT_IMAGE_REPOSITORY + ":latest");
        }
    }

    /** The defaults documented on the record components. */
    public static ResolverSettings defaults() {
        return new ResolverSettings(DEFAULT_IMAGE_REPOSITORY + ":" + buildVersion(), DEFAULT_PUSHGATEWAY_URL, "");
    }

    public ResolverSettings withStashflowImage(String image) {
        return new ResolverSettings(image, pushgatewayUrl, licenseApiService);
    }

    public ResolverSettings withPushgatewayUrl(String url) {
        return new ResolverSettings(stashflowImage, url, licenseApiService);
    }

    public ResolverSettings withLicenseApiService(String value) {
        return new ResolverSettings(stashflowImage, pushgatewayUrl, value);
    }

    /** {@code STASH_DOCKER_REGISTRY}: the image reference up to its last {@code /}. */
    public String dockerRegistry() {
        return stashflowImage.substring(0, stashflowImage.lastIndexOf('/'));
    }

    /** {@code STASH_DOCKER_IMAGE}: the last path segment without the tag. */
    public String dockerImage() {
        String last = stashflowImage.substring(stashflowImage.lastIndexOf('/') + 1);
        int colon = last.indexOf(':');
        return colon < 0 ? last : last.substring(0, colon);
    }

    /** {@code STASH_IMAGE_TAG}: the tag, {@code latest} when the reference has none. */
    public String imageTag() {
        String last = stashflowImage.substring(stashflowImage.lastIndexOf('/') + 1);
        int colon = last.indexOf(':');
        return colon < 0 ? "latest" : last.substring(colon + 1);
    }

    /**
     * The version of this build, read from the Maven metadata that the jar plugin puts into the jar;
     * {@code latest} when it is not there (class directories in tests and IDEs).
     */
    static String buildVersion() {
        try (InputStream in = ResolverSettings.class.getResourceAsStream(
                "/META-INF/maven/io.stashflow/function-planner/pom.properties")) {
            if (in == null) {
                return "latest";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version");
            return version == null || version.isBlank() ? "latest" : version.trim();
        } catch (IOException e) {
            return "latest";
        }
    }
}
