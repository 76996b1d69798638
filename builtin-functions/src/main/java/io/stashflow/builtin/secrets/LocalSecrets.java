package io.stashflow.builtin.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Secrets for the local runtime, read from a directory on the host that is never published.
 *
 * <p>A Secret {@code NAMESPACE/NAME} is either
 * <ul>
 *   <li>a directory {@code <dir>/NAMESPACE/NAME/} with one file per key (file name = key, content = value, used
 *       byte for byte like a Kubernetes Secret volume, so a trailing newline is part of the value), or</li>
 *   <li>a file {@code <dir>/NAMESPACE/NAME.env} with {@code KEY=VALUE} lines (blank lines and lines starting with
 *       {@code #} are skipped; the value is everything after the first {@code =}, without quote processing).</li>
 * </ul>
 * Having both for the same Secret is an error, because it is not clear which one is meant.
 *
 * <p>The directory is {@code $STASHFLOW_SECRETS_DIR}, or {@code ~/.stashflow/secrets} when that is unset. Keys
 * that are not valid environment variable names are skipped with a warning, as Kubernetes does for
 * {@code envFrom}. Values never appear in logs or exception messages; only key names do.
 */
public final class LocalSecrets {

    /** Environment variable that overrides the secrets directory. */
    public static final String SECRETS_DIR_VARIABLE = "STASHFLOW_SECRETS_DIR";

    private static final Logger LOG = LoggerFactory.getLogger(LocalSecrets.class);
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    private final Path directory;

    public LocalSecrets(Path directory) {
        this.directory = directory;
    }

    /** The secrets directory named by {@code STASHFLOW_SECRETS_DIR}, else {@code <user.home>/.stashflow/secrets}. */
    public static LocalSecrets fromEnvironment(Map<String, String> environment) {
        String configured = environment.get(SECRETS_DIR_VARIABLE);
        if (configured != null && !configured.isBlank()) {
            return new LocalSecrets(Path.of(configured));
        }
        return new LocalSecrets(Path.of(System.getProperty("user.home"), ".stashflow", "secrets"));
    }

    /** The directory Secrets are read from. */
    public Path directory() {
        return directory;
    }

    /**
     * The Secret's keys and values, as {@code envFrom: secretRef} would put them into a container's environment.
     *
     * @throws IllegalArgumentException when the namespace or name is not a valid Kubernetes name, the Secret is
     *     missing, or it exists both as a directory and as a {@code .env} file
     * @throws UncheckedIOException when a file cannot be read
     */
    public Map<String, String> environmentFor(String namespace, String secretName) {
        requireName("namespace", namespace);
        requireName("secret name", secretName);
        Path keyDirectory = directory.resolve(namespace).resolve(secretName);
        Path envFile = directory.resolve(namespace).resolve(secretName + ".env");
        boolean hasDirectory = Files.isDirectory(keyDirectory);
        boolean hasEnvFile = Files.isRegularFile(envFile);
        if (hasDirectory && hasEnvFile) {
            throw new IllegalArgumentException("Secret " + namespace + "/" + secretName + " is defined twice, as "
                    + keyDirectory + " and as " + envFile + "; remove one of them");
        }
        if (hasDirectory) {
            return keyFiles(keyDirectory, "Secret " + namespace + "/" + secretName);
        }
        if (hasEnvFile) {
            return envFile(envFile, "Secret " + namespace + "/" + secretName);
        }
        throw new IllegalArgumentException("Secret " + namespace + "/" + secretName + " not found in the local secrets"
                + " directory " + directory + "; create " + keyDirectory + "/ with one file per key (for example "
                + "RESTIC_PASSWORD), or " + envFile + " with KEY=VALUE lines, or point " + SECRETS_DIR_VARIABLE
                + " at another directory");
    }

    /**
     * Reads a directory of key files, the layout of a mounted Kubernetes Secret volume (Stash's legacy
     * {@code --secret-dir}). Hidden entries ({@code ..data} and the like, which Kubernetes adds) and
     * subdirectories are skipped.
     *
     * @param what names the directory in messages
     */
    public static Map<String, String> keyFiles(Path keyDirectory, String what) {
        Map<String, String> values = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(keyDirectory)) {
            for (Path entry : entries) {
                String key = entry.getFileName().toString();
                if (key.startsWith(".") || !Files.isRegularFile(entry)) {
                    continue;
                }
                if (!ENV_NAME.matcher(key).matches()) {
                    LOG.warn("{}: key {} skipped, it is not a valid environment variable name", what, key);
                    continue;
                }
                values.put(key, Files.readString(entry, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(what + ": cannot read the key files in " + keyDirectory + ": "
                    + e.getClass().getSimpleName(), e);
        }
        return values;
    }

    private static Map<String, String> envFile(Path file, String what) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(what + ": cannot read " + file + ": " + e.getClass().getSimpleName(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                // never echo the line: it may hold a value
                throw new IllegalArgumentException(what + ": " + file + " line " + (i + 1)
                        + " is not KEY=VALUE; write one KEY=VALUE per line");
            }
            String key = line.substring(0, equals).strip();
            if (!ENV_NAME.matcher(key).matches()) {
                LOG.warn("{}: key {} on line {} skipped, it is not a valid environment variable name", what, key, i + 1);
                continue;
            }
            values.put(key, line.substring(equals + 1));
        }
        return values;
    }

    private static void requireName(String what, String value) {
        if (value == null || !DNS_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("local secrets: " + what + " '" + value
                    + "' is not a valid Kubernetes name (lower-case letters, digits, '-' and '.')");
        }
    }
}
