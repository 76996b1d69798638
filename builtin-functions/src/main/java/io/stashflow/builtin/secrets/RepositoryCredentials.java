package io.stashflow.builtin.secrets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The storage Secret's keys as the built-in Functions see them: from the container's environment (the resolver
 * gives the container {@code envFrom: secretRef: REPOSITORY_SECRET_NAME}) and, when {@code --secret-dir} is
 * given, from the key files of a mounted Secret volume (Stash's legacy {@code secretVolume} pattern), which win.
 *
 * <p>Only the keys listed in {@link #KEYS} are taken; they are Stash's storage Secret keys
 * (stashed/apimachinery {@code pkg/restic/setup.go}). {@link #toString()} names keys, never values.
 */
public final class RepositoryCredentials {

    public static final String RESTIC_PASSWORD = "RESTIC_PASSWORD";
    public static final String AWS_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    public static final String AWS_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    public static final String AWS_SESSION_TOKEN = "AWS_SESSION_TOKEN";
    public static final String GOOGLE_PROJECT_ID = "GOOGLE_PROJECT_ID";
    public static final String GOOGLE_SERVICE_ACCOUNT_JSON_KEY = "GOOGLE_SERVICE_ACCOUNT_JSON_KEY";
    public static final String GOOGLE_APPLICATION_CREDENTIALS = "GOOGLE_APPLICATION_CREDENTIALS";
    public static final String AZURE_ACCOUNT_NAME = "AZURE_ACCOUNT_NAME";
    public static final String AZURE_ACCOUNT_KEY = "AZURE_ACCOUNT_KEY";
    public static final String B2_ACCOUNT_ID = "B2_ACCOUNT_ID";
    public static final String B2_ACCOUNT_KEY = "B2_ACCOUNT_KEY";
    public static final String REST_SERVER_USERNAME = "REST_SERVER_USERNAME";
    public static final String REST_SERVER_PASSWORD = "REST_SERVER_PASSWORD";
    public static final String CA_CERT_DATA = "CA_CERT_DATA";

    /** OpenStack Swift keys (keystone v1, v2, v3, application credentials, tokens), passed to restic as they are. */
    public static final List<String> SWIFT_KEYS = List.of(
            "ST_AUTH", "ST_USER", "ST_KEY",
            "OS_AUTH_URL", "OS_REGION_NAME", "OS_USERNAME", "OS_PASSWORD", "OS_TENANT_ID", "OS_TENANT_NAME",
            "OS_USER_DOMAIN_NAME", "OS_PROJECT_NAME", "OS_PROJECT_DOMAIN_NAME",
            "OS_APPLICATION_CREDENTIAL_ID", "OS_APPLICATION_CREDENTIAL_SECRET", "OS_APPLICATION_CREDENTIAL_NAME",
            "OS_STORAGE_URL", "OS_AUTH_TOKEN");

    /** Every key taken from the environment or the secret directory. */
    public static final List<String> KEYS = keys();

    private final Map<String, String> values;

    private RepositoryCredentials(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    private static List<String> keys() {
        List<String> keys = new java.util.ArrayList<>(List.of(RESTIC_PASSWORD, AWS_ACCESS_KEY_ID,
                AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, GOOGLE_PROJECT_ID, GOOGLE_SERVICE_ACCOUNT_JSON_KEY,
                GOOGLE_APPLICATION_CREDENTIALS, AZURE_ACCOUNT_NAME, AZURE_ACCOUNT_KEY, B2_ACCOUNT_ID, B2_ACCOUNT_KEY,
                REST_SERVER_USERNAME, REST_SERVER_PASSWORD, CA_CERT_DATA));
        keys.addAll(SWIFT_KEYS);
        return List.copyOf(keys);
    }

    /**
     * Collects the credentials.
     *
     * @param environment the process environment (envFrom puts the Secret's keys there)
     * @param secretDirectory a mounted Secret volume whose key files win over the environment; empty for none
     * @throws IllegalArgumentException when the secret directory does not exist
     */
    public static RepositoryCredentials collect(Map<String, String> environment, Optional<Path> secretDirectory) {
        Map<String, String> values = new TreeMap<>();
        for (String key : KEYS) {
            String value = environment.get(key);
            if (value != null && !value.isEmpty()) {
                values.put(key, value);
            }
        }
        if (secretDirectory.isPresent()) {
            Path dir = secretDirectory.get();
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("--secret-dir " + dir + " is not a directory; mount the storage"
                        + " Secret there or drop the flag to read the credentials from the environment");
            }
            Map<String, String> files = LocalSecrets.keyFiles(dir, "--secret-dir " + dir);
            for (String key : KEYS) {
                String value = files.get(key);
                if (value != null && !value.isEmpty()) {
                    values.put(key, value);
                }
            }
        }
        return new RepositoryCredentials(values);
    }

    /** Credentials with exactly these values (keys outside {@link #KEYS} are ignored). */
    public static RepositoryCredentials of(Map<String, String> values) {
        return collect(values, Optional.empty());
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** All values, for handing to restic's environment only. */
    public Map<String, String> values() {
        return values;
    }

    /** A redactor that hides every credential value. */
    public SecretRedactor redactor() {
        return SecretRedactor.of(values.values());
    }

    @Override
    public String toString() {
        return "RepositoryCredentials" + values.keySet();
    }
}
