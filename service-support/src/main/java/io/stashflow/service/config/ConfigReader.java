package io.stashflow.service.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Reads typed settings from three layers, highest precedence first: command-line flags, environment variables, a
 * properties file. A setting has one name in kebab case ({@code bootstrap-servers}); it is the flag
 * {@code --bootstrap-servers}, the environment variable {@code STASHFLOW_BOOTSTRAP_SERVERS} (prefix, upper case,
 * dashes to underscores) and the file key {@code bootstrap-servers}.
 *
 * <p>Getters never throw: a missing or malformed value is recorded as a problem and a harmless placeholder returned,
 * so a service reads all its settings and then calls {@link #validate()}, which throws one {@link ConfigException}
 * listing every problem. Messages name the setting, every place it can be given, the bad value and what a good one
 * looks like. Values of settings marked secret ({@link #secret}) are never echoed.
 */
public final class ConfigReader {

    /** Environment variables of Stashflow services start with this. */
    public static final String DEFAULT_ENV_PREFIX = "STASHFLOW_";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    private final String service;
    private final Map<String, String> flags;
    private final Map<String, String> environment;
    private final String envPrefix;
    private final Map<String, String> file;
    private final String fileName;
    private final List<String> problems = new ArrayList<>();

    private ConfigReader(String service, Map<String, String> flags, Map<String, String> environment, String envPrefix,
                         Map<String, String> file, String fileName) {
        this.service = service;
        this.flags = Map.copyOf(flags);
        this.environment = Map.copyOf(environment);
        this.envPrefix = envPrefix;
        this.file = Map.copyOf(file);
        this.fileName = fileName;
    }

    /**
     * @param service     the service name, used in error messages ({@code reporter})
     * @param flags       setting name (without {@code --}) to value, only for flags actually given
     * @param environment the process environment ({@code System.getenv()}) or a test map
     * @param configFile  a properties file, or empty
     */
    public static ConfigReader of(String service, Map<String, String> flags, Map<String, String> environment,
                                  Optional<Path> configFile) {
        Map<String, String> fileValues = new HashMap<>();
        String fileName = null;
        List<String> early = new ArrayList<>();
        if (configFile.isPresent()) {
            Path path = configFile.get();
            fileName = path.toString();
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(path)) {
                properties.load(reader);
                properties.stringPropertyNames().forEach(k -> fileValues.put(k.trim(), properties.getProperty(k).trim()));
            } catch (IOException e) {
                early.add("config file " + path + " cannot be read (" + e.getMessage()
                        + "): check the path given to --config-file, or leave it out");
            }
        }
        ConfigReader reader = new ConfigReader(service, flags, environment, DEFAULT_ENV_PREFIX, fileValues, fileName);
        reader.problems.addAll(early);
        return reader;
    }

    /** The environment variable that sets {@code name}. */
    public String envName(String name) {
        return envPrefix + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private String where(String name) {
        return "--" + name + " / " + envName(name) + (fileName == null ? "" : " / " + name + " in " + fileName);
    }

    private Optional<String> raw(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("setting name '" + name + "' must be kebab case");
        }
        String value = flags.get(name);
        if (value == null) {
            value = environment.get(envName(name));
        }
        if (value == null) {
            value = file.get(name);
        }
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.trim());
    }

    /** Records a problem that a service found itself (e.g. a rule between two settings). */
    public void problem(String message) {
        problems.add(message);
    }

    public Optional<String> optionalString(String name) {
        return raw(name);
    }

    public String string(String name, String defaultValue) {
        return raw(name).orElse(defaultValue);
    }

    /** A required setting; {@code example} shows a good value in the error. */
    public String requiredString(String name, String example) {
        Optional<String> value = raw(name);
        if (value.isEmpty()) {
            problems.add(name + " is required: set " + where(name) + ", e.g. " + example);
            return "";
        }
        return value.get();
    }

    /** Like {@link #requiredString} but the value never appears in messages. */
    public String secret(String name) {
        Optional<String> value = raw(name);
        if (value.isEmpty()) {
            problems.add(name + " is required: set " + where(name) + " (the value is never logged)");
            return "";
        }
        return value.get();
    }

    public int integer(String name, int defaultValue, int min, int max) {
        Optional<String> value = raw(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed < min || parsed > max) {
                problems.add(name + " is " + parsed + " but must be between " + min + " and " + max + " (" + where(name) + ")");
                return defaultValue;
            }
            return parsed;
        } catch (NumberFormatException e) {
            problems.add(name + " is '" + value.get() + "', not a whole number: give a number between " + min + " and "
                    + max + " (" + where(name) + ")");
            return defaultValue;
        }
    }

    /** A TCP port, 0 meaning "any free port" when {@code allowEphemeral}. */
    public int port(String name, int defaultValue, boolean allowEphemeral) {
        return integer(name, defaultValue, allowEphemeral ? 0 : 1, 65535);
    }

    public boolean bool(String name, boolean defaultValue) {
        Optional<String> value = raw(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> {
                problems.add(name + " is '" + value.get() + "': use true or false (" + where(name) + ")");
                yield defaultValue;
            }
        };
    }

    /**
     * A duration as Go writes them ({@code 30s}, {@code 5m}, {@code 1h30m}, {@code 250ms}) or ISO-8601
     * ({@code PT30S}), the two forms operators of Stash-style tools know.
     */
    public Duration duration(String name, Duration defaultValue, Duration min) {
        Optional<String> value = raw(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        Optional<Duration> parsed = parseDuration(value.get());
        if (parsed.isEmpty()) {
            problems.add(name + " is '" + value.get() + "', not a duration: write e.g. 30s, 5m, 1h30m or PT30S ("
                    + where(name) + ")");
            return defaultValue;
        }
        if (parsed.get().compareTo(min) < 0) {
            problems.add(name + " is " + value.get() + " but must be at least " + min.toMillis() + "ms (" + where(name) + ")");
            return defaultValue;
        }
        return parsed.get();
    }

    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?(?:ms|s|m|h))+");
    private static final Pattern GO_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    /** Parses {@code 1h30m}, {@code 45s}, {@code 250ms} or ISO-8601; empty when it is neither. */
    public static Optional<Duration> parseDuration(String text) {
        String t = text.trim();
        if (t.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        if (t.startsWith("P") || t.startsWith("p")) {
            try {
                return Optional.of(Duration.parse(t.toUpperCase(Locale.ROOT)));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        if (!GO_DURATION.matcher(t).matches()) {
            return Optional.empty();
        }
        var m = GO_PART.matcher(t);
        double millis = 0;
        while (m.find()) {
            double amount = Double.parseDouble(m.group(1));
            millis += switch (m.group(2)) {
                case "ms" -> amount;
                case "s" -> amount * 1_000;
                case "m" -> amount * 60_000;
                default -> amount * 3_600_000;
            };
        }
        return Optional.of(Duration.ofMillis(Math.round(millis)));
    }

    /** An absolute http(s) URL without a trailing slash; empty when not given. */
    public Optional<URI> httpUrl(String name) {
        Optional<String> value = raw(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String text = value.get();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        try {
            URI uri = new URI(text);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                problems.add(name + " is '" + value.get() + "', not an http(s) URL: write e.g. http://127.0.0.1:9091 ("
                        + where(name) + ")");
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            problems.add(name + " is '" + value.get() + "', not a URL (" + e.getReason() + "): write e.g."
                    + " http://127.0.0.1:9091 (" + where(name) + ")");
            return Optional.empty();
        }
    }

    /** A directory that exists or can be created. */
    public Path directory(String name, Path defaultValue) {
        Path path = raw(name).map(Path::of).orElse(defaultValue);
        try {
            Files.createDirectories(path);
            if (!Files.isWritable(path)) {
                problems.add(name + " is " + path + ", which is not writable: choose another directory (" + where(name) + ")");
            }
        } catch (IOException | SecurityException e) {
            problems.add(name + " is " + path + ", which cannot be created (" + e.getMessage()
                    + "): choose a writable directory (" + where(name) + ")");
        }
        return path;
    }

    /** Throws one exception listing every problem recorded so far. */
    public void validate() {
        if (!problems.isEmpty()) {
            throw new ConfigException(service, problems);
        }
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }
}
