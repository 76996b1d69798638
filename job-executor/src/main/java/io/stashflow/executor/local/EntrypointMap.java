package io.stashflow.executor.local;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the local runtime runs for a container that has {@code args} but no {@code command}: on Kubernetes the image's
 * entrypoint would run; locally the image is looked up here.
 *
 * <p>A key is an image reference: an exact one ({@code stashed/stash-postgres:16.1}) or a repository without tag or
 * digest ({@code stashed/stash-postgres}), which matches every tag. Exact keys win. Stashflow's own image
 * ({@value #STASHFLOW_REPOSITORY}) maps to {@code java -jar <stashflow.jar>} unless configured otherwise.
 */
public final class EntrypointMap {

    /** The configuration setting that holds the map (documented in the agent's configuration). */
    public static final String SETTING = "executor.local.entrypoints";
    /** Stashflow's published image repository. */
    public static final String STASHFLOW_REPOSITORY = "ghcr.io/stashflow/stashflow";

    private final Map<String, List<String>> entries;

    public EntrypointMap(Map<String, List<String>> entries) {
        this.entries = Map.copyOf(entries);
    }

    /**
     * JVM options of the built-in commands' processes. They are short-lived CLI runs (update-status, backup-pvc, ...)
     * whose time is mostly JVM start-up and class loading; the C1-only compiler and the serial collector cut about a
     * quarter of that (measured: 3.7–4.6 s → 2.9–3.0 s for one command on the 2-core build machine).
     */
    public static final List<String> STASHFLOW_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    /** The map with Stashflow's image running the given jar with the given java, plus the configured entries. */
    public static EntrypointMap withStashflowJar(String javaBinary, String stashflowJar, Map<String, List<String>> more) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        List<String> command = new java.util.ArrayList<>();
        command.add(javaBinary);
        command.addAll(STASHFLOW_JVM_OPTIONS);
        command.add("-jar");
        command.add(stashflowJar);
        all.put(STASHFLOW_REPOSITORY, List.copyOf(command));
        all.putAll(more);
        return new EntrypointMap(all);
    }

    public Optional<List<String>> lookup(String image) {
        List<String> exact = entries.get(image);
        if (exact != null) {
            return Optional.of(exact);
        }
        return Optional.ofNullable(entries.get(repositoryOf(image)));
    }

    /** {@code registry/repo:tag@digest} → {@code registry/repo}. A port in the registry host is kept. */
    static String repositoryOf(String image) {
        String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int slash = withoutDigest.lastIndexOf('/');
        int colon = withoutDigest.lastIndexOf(':');
        return colon > slash ? withoutDigest.substring(0, colon) : withoutDigest;
    }

    /**
     * Parses {@code IMAGE=PROGRAM ARG...} entries (one per element; words separated by spaces, no quoting), as given on
     * the command line or in the environment.
     *
     * @throws IllegalArgumentException naming the entry and the setting when one is malformed
     */
    public static Map<String, List<String>> parse(List<String> specs) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1 || spec.substring(eq + 1).isBlank()) {
                throw new IllegalArgumentException(SETTING + " entry '" + spec + "' is not IMAGE=PROGRAM [ARG...],"
                        + " e.g. stashed/stash-postgres=/usr/local/bin/stash-postgres");
            }
            out.put(spec.substring(0, eq).strip(), List.of(spec.substring(eq + 1).strip().split("\\s+")));
        }
        return out;
    }

    public Map<String, List<String>> entries() {
        return entries;
    }
}
