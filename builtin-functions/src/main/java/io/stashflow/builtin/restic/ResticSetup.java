package io.stashflow.builtin.restic;

import io.stashflow.builtin.secrets.RepositoryCredentials;
import io.stashflow.builtin.secrets.SecretRedactor;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything restic needs to open a repository, computed from the repository flags and the credentials without
 * touching the file system or starting a process: the repository location, restic's environment, the global
 * flags, and the credential files that must exist before restic starts.
 *
 * <p>Secrets go into restic's environment only ({@code RESTIC_REPOSITORY}, {@code RESTIC_PASSWORD}, the
 * backend's own variables), never into {@link #globalFlags()}, which are logged. Location strings follow Stash
 * (stashed/apimachinery {@code pkg/restic/setup.go}): {@code local:<bucket>[/<prefix>]},
 * {@code s3:<endpoint>/<bucket>[/<prefix>]}, {@code gs:<bucket>:/<prefix>}, {@code azure:<container>:/<prefix>},
 * {@code swift:<container>:/<prefix>}, {@code b2:<bucket>:/<prefix>} and {@code rest:<url>} with
 * {@code REST_SERVER_USERNAME}/{@code REST_SERVER_PASSWORD} as the URL's user info (restic 0.14 reads REST
 * credentials nowhere else).
 *
 * @param repository the location, with credentials for {@code rest}; goes into {@code RESTIC_REPOSITORY} only
 * @param displayRepository the location without credentials, safe to log
 * @param environment restic's environment additions (secret values included)
 * @param globalFlags flags every restic command gets (cache, TLS, CA certificate, connections); no secrets
 * @param credentialFiles files to write before restic runs: absolute path to content (a GCS service-account key,
 *     a CA bundle); secret content, written with owner-only permissions
 * @param redactor hides every secret this setup knows, for restic's error text
 */
public record ResticSetup(
        String repository,
        String displayRepository,
        Map<String, String> environment,
        List<String> globalFlags,
        Map<Path, String> credentialFiles,
        SecretRedactor redactor) {

    /** restic reads its temporary files' directory from TMPDIR; Stash puts it below the scratch directory. */
    static final String TEMP_DIRECTORY = "restic-tmp";
    static final String CACHE_DIRECTORY = "restic-cache";
    static final String CREDENTIALS_DIRECTORY = "restic-credentials";
    /** One progress line a minute, as Stash sets it: the JSON output stays small. */
    static final String PROGRESS_FPS = "0.016666";
    static final String DEFAULT_S3_ENDPOINT = "s3.amazonaws.com";

    /**
     * Plans the restic setup.
     *
     * @throws IllegalArgumentException when a flag is missing or wrong for the provider, or {@code RESTIC_PASSWORD}
     *     is missing; the message names the flag or key and how to fix it
     */
    public static ResticSetup plan(RepositorySettings settings, RepositoryCredentials credentials) {
        String password = credentials.get(RepositoryCredentials.RESTIC_PASSWORD).orElseThrow(() ->
                new IllegalArgumentException("RESTIC_PASSWORD is not set: give the container the Repository's storage"
                        + " Secret (spec.backend.storageSecretName, passed as envFrom secretRef) with a RESTIC_PASSWORD"
                        + " key, or mount it and pass --secret-dir"));
        Path scratch = settings.scratchDir().toAbsolutePath();
        Path credentialsDir = scratch.resolve(CREDENTIALS_DIRECTORY);

        Map<String, String> env = new LinkedHashMap<>();
        List<String> flags = new ArrayList<>();
        Map<Path, String> files = new LinkedHashMap<>();
        env.put("RESTIC_PASSWORD", password);
        env.put("RESTIC_PROGRESS_FPS", PROGRESS_FPS);
        env.put("TMPDIR", scratch.resolve(TEMP_DIRECTORY).toString());

        String provider = settings.provider().toLowerCase(Locale.ROOT);
        String repository;
        String display;
        switch (provider) {
            case "local" -> {
                requireBucket(settings, "local", "spec.backend.local.mountPath");
                repository = "local:" + joinPath(settings.bucket(), settings.prefix());
                display = repository;
            }
            case "s3" -> {
                requireBucket(settings, "s3", "spec.backend.s3.bucket");
                String endpoint = settings.endpoint().isBlank() ? DEFAULT_S3_ENDPOINT : trimTrailingSlashes(settings.endpoint());
                repository = "s3:" + endpoint + "/" + joinPath(trimSlashes(settings.bucket()), settings.prefix());
                display = repository;
                copy(credentials, env, RepositoryCredentials.AWS_ACCESS_KEY_ID);
                copy(credentials, env, RepositoryCredentials.AWS_SECRET_ACCESS_KEY);
                copy(credentials, env, RepositoryCredentials.AWS_SESSION_TOKEN);
                if (!settings.region().isBlank()) {
                    env.put("AWS_DEFAULT_REGION", settings.region());
                }
            }
            case "gcs" -> {
                requireBucket(settings, "gcs", "spec.backend.gcs.bucket");
                repository = "gs:" + settings.bucket() + ":/" + trimSlashes(settings.prefix());
                display = repository;
                copy(credentials, env, RepositoryCredentials.GOOGLE_PROJECT_ID);
                credentials.get(RepositoryCredentials.GOOGLE_SERVICE_ACCOUNT_JSON_KEY).ifPresentOrElse(key -> {
                    // restic reads the key from a file only; Stash points GOOGLE_APPLICATION_CREDENTIALS at it too
                    Path keyFile = credentialsDir.resolve("google-service-account.json");
                    files.put(keyFile, key);
                    env.put(RepositoryCredentials.GOOGLE_APPLICATION_CREDENTIALS, keyFile.toString());
                }, () -> copy(credentials, env, RepositoryCredentials.GOOGLE_APPLICATION_CREDENTIALS));
                connections(settings, "gs", flags);
            }
            case "azure" -> {
                requireBucket(settings, "azure", "spec.backend.azure.container");
                repository = "azure:" + settings.bucket() + ":/" + trimSlashes(settings.prefix());
                display = repository;
                copy(credentials, env, RepositoryCredentials.AZURE_ACCOUNT_NAME);
                copy(credentials, env, RepositoryCredentials.AZURE_ACCOUNT_KEY);
                connections(settings, "azure", flags);
            }
            case "swift" -> {
                requireBucket(settings, "swift", "spec.backend.swift.container");
                repository = "swift:" + settings.bucket() + ":/" + trimSlashes(settings.prefix());
                display = repository;
                for (String key : RepositoryCredentials.SWIFT_KEYS) {
                    copy(credentials, env, key);
                }
            }
            case "b2" -> {
                requireBucket(settings, "b2", "spec.backend.b2.bucket");
                repository = "b2:" + settings.bucket() + ":/" + trimSlashes(settings.prefix());
                display = repository;
                copy(credentials, env, RepositoryCredentials.B2_ACCOUNT_ID);
                copy(credentials, env, RepositoryCredentials.B2_ACCOUNT_KEY);
                connections(settings, "b2", flags);
            }
            case "rest" -> {
                String[] both = restLocation(settings, credentials);
                repository = both[0];
                display = both[1];
            }
            case "" -> throw new IllegalArgumentException("--provider is empty: the Repository's spec.backend names no"
                    + " provider (REPOSITORY_PROVIDER); use one of local, s3, gcs, azure, swift, b2, rest");
            default -> throw new IllegalArgumentException("--provider '" + settings.provider() + "' is not supported;"
                    + " use one of local, s3, gcs, azure, swift, b2, rest");
        }
        env.put("RESTIC_REPOSITORY", repository);

        if (settings.enableCache()) {
            flags.add("--cache-dir");
            flags.add(scratch.resolve(CACHE_DIRECTORY).toString());
        } else {
            flags.add("--no-cache");
        }
        if (settings.insecureTls()) {
            flags.add("--insecure-tls");
        }
        credentials.get(RepositoryCredentials.CA_CERT_DATA).ifPresent(caBundle -> {
            Path caFile = credentialsDir.resolve("ca-cert.pem");
            files.put(caFile, caBundle);
            flags.add("--cacert");
            flags.add(caFile.toString());
        });
        return new ResticSetup(repository, display, Map.copyOf(env), List.copyOf(flags), Map.copyOf(files),
                credentials.redactor());
    }

    /** The directories restic needs below the scratch directory. */
    public List<Path> directories(RepositorySettings settings) {
        Path scratch = settings.scratchDir().toAbsolutePath();
        List<Path> dirs = new ArrayList<>(List.of(scratch.resolve(TEMP_DIRECTORY)));
        if (settings.enableCache()) {
            dirs.add(scratch.resolve(CACHE_DIRECTORY));
        }
        return dirs;
    }

    private static String[] restLocation(RepositorySettings settings, RepositoryCredentials credentials) {
        if (settings.endpoint().isBlank()) {
            throw new IllegalArgumentException("--endpoint is empty: a rest Repository needs spec.backend.rest.url"
                    + " (REPOSITORY_ENDPOINT), e.g. http://rest-server:8000/my-repo");
        }
        URI url;
        try {
            url = new URI(settings.endpoint());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--endpoint '" + settings.endpoint() + "' is not a URL ("
                    + e.getReason() + "); write it as http(s)://host[:port]/path");
        }
        if (url.getScheme() == null || url.getRawAuthority() == null) {
            throw new IllegalArgumentException("--endpoint '" + settings.endpoint() + "' is not an absolute URL;"
                    + " write it as http(s)://host[:port]/path");
        }
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        // The resolver passes the URL's path as the prefix too (Stash's REPOSITORY_PREFIX for rest); append the
        // prefix only when the URL does not already end with it, so it is never doubled.
        String prefix = trimSlashes(settings.prefix());
        if (!prefix.isEmpty() && !trimSlashes(path).endsWith(prefix)) {
            path = trimTrailingSlashes(path) + "/" + prefix;
        }
        String hostPort = url.getRawAuthority().contains("@")
                ? url.getRawAuthority().substring(url.getRawAuthority().lastIndexOf('@') + 1)
                : url.getRawAuthority();
        String rest = path + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        String display = "rest:" + url.getScheme() + "://" + hostPort + rest;
        String userInfo = "";
        var user = credentials.get(RepositoryCredentials.REST_SERVER_USERNAME);
        if (user.isPresent()) {
            userInfo = encode(user.get());
            var password = credentials.get(RepositoryCredentials.REST_SERVER_PASSWORD);
            if (password.isPresent()) {
                userInfo += ":" + encode(password.get());
            }
            userInfo += "@";
        }
        return new String[] {"rest:" + url.getScheme() + "://" + userInfo + hostPort + rest, display};
    }

    private static String encode(String value) {
        // URLEncoder writes form encoding; a space must be %20 in user info
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void connections(RepositorySettings settings, String optionPrefix, List<String> flags) {
        if (settings.maxConnections() > 0) {
            flags.add("--option");
            flags.add(optionPrefix + ".connections=" + settings.maxConnections());
        }
    }

    private static void copy(RepositoryCredentials credentials, Map<String, String> env, String key) {
        credentials.get(key).ifPresent(value -> env.put(key, value));
    }

    private static void requireBucket(RepositorySettings settings, String provider, String field) {
        if (settings.bucket().isBlank()) {
            throw new IllegalArgumentException("--bucket is empty: a " + provider + " Repository needs " + field
                    + " (REPOSITORY_BUCKET)");
        }
    }

    private static String joinPath(String base, String prefix) {
        String cleanPrefix = trimSlashes(prefix);
        if (cleanPrefix.isEmpty()) {
            return base;
        }
        return trimTrailingSlashes(base) + "/" + cleanPrefix;
    }

    private static String trimSlashes(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && value.charAt(start) == '/') {
            start++;
        }
        while (end > start && value.charAt(end - 1) == '/') {
            end--;
        }
        return value.substring(start, end);
    }

    private static String trimTrailingSlashes(String value) {
        int end = value.length();
        while (end > 1 && value.charAt(end - 1) == '/') {
            end--;
        }
        return value.substring(0, end);
    }

    @Override
    public String toString() {
        return "ResticSetup[repository=" + displayRepository + ", globalFlags=" + globalFlags
                + ", environmentKeys=" + environment.keySet() + "]";
    }
}
