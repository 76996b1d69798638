package io.stashflow.executor.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Secrets from a directory on the host, in the layout the built-in functions' {@code LocalSecrets} documents (see
 * {@code builtin-functions/README.md}), so one directory serves both: a Secret {@code NAMESPACE/NAME} is either a
 * directory {@code <dir>/NAMESPACE/NAME/} with one file per key (content byte for byte), or a file
 * {@code <dir>/NAMESPACE/NAME.env} with {@code KEY=VALUE} lines ({@code #} comments and blank lines skipped, the value
 * is everything after the first {@code =}). Both at once is an error.
 */
public final class DirectorySecretSource implements SecretSource {

    /** The same variable {@code LocalSecrets} reads. */
    public static final String SECRETS_DIR_VARIABLE = "STASHFLOW_SECRETS_DIR";

    private final Path root;

    public DirectorySecretSource(Path root) {
        this.root = root;
    }

    /** {@code $STASHFLOW_SECRETS_DIR}, else {@code ~/.stashflow/secrets}. */
    public static DirectorySecretSource fromEnvironment(Map<String, String> env) {
        String configured = env.get(SECRETS_DIR_VARIABLE);
        if (configured != null && !configured.isBlank()) {
            return new DirectorySecretSource(Path.of(configured));
        }
        return new DirectorySecretSource(Path.of(System.getProperty("user.home"), ".stashflow", "secrets"));
    }

    public Path root() {
        return root;
    }

    @Override
    public Optional<Map<String, byte[]>> secret(String namespace, String name) {
        if (name == null || name.isEmpty() || name.contains("/") || name.contains("..") || namespace.contains("/")) {
            return Optional.empty();
        }
        Path dir = root.resolve(namespace).resolve(name);
        Path envFile = root.resolve(namespace).resolve(name + ".env");
        boolean hasDir = Files.isDirectory(dir);
        boolean hasEnv = Files.isRegularFile(envFile);
        if (hasDir && hasEnv) {
            throw new IllegalArgumentException("Secret " + namespace + "/" + name + " is defined twice, as " + dir
                    + " and as " + envFile + "; remove one of them");
        }
        if (hasDir) {
            return Optional.of(readDirectory(dir));
        }
        if (hasEnv) {
            return Optional.of(readEnvFile(envFile));
        }
        return Optional.empty();
    }

    private static Map<String, byte[]> readDirectory(Path dir) {
        Map<String, byte[]> values = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String key = file.getFileName().toString();
                if (Files.isRegularFile(file) && !key.startsWith(".")) {
                    values.put(key, Files.readAllBytes(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret directory " + dir, e);
        }
        return values;
    }

    private static Map<String, byte[]> readEnvFile(Path file) {
        Map<String, byte[]> values = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.stripLeading().startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    continue; // not KEY=VALUE; the value is never echoed
                }
                values.put(line.substring(0, eq).strip(), line.substring(eq + 1).getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret file " + file, e);
        }
        return values;
    }

    @Override
    public String describe() {
        return "local secrets directory " + root + " (<namespace>/<secret>/<key> files or <namespace>/<secret>.env)";
    }
}
