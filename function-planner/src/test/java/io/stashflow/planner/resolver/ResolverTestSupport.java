package io.stashflow.planner.resolver;

import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.stashflow.api.model.ParsedResource;
import io.stashflow.api.model.StashResourceReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Shared helpers of the resolver tests: reading definitions, the shared/ directory, fixed settings. */
final class ResolverTestSupport {

    /** Fixed settings, so golden files do not depend on the build version. */
    static final ResolverSettings SETTINGS =
            new ResolverSettings("ghcr.io/stashflow/stashflow:test", "http://pushgateway.test:9091", "");

    private static final StashResourceReader READER = new StashResourceReader();

    private ResolverTestSupport() {
    }

    /**
     * The {@code shared/} directory that lives beside the repository: walks up from {@code user.dir} to the first
     * directory that has {@code shared/conformance}. Fails (does not skip) when there is none, because the catalog
     * tests are part of the contract.
     */
    static Path sharedDirectory() {
        Path dir = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("shared").resolve("conformance"))) {
                return dir.resolve("shared");
            }
            dir = dir.getParent();
        }
        fail("no shared/conformance found above " + System.getProperty("user.dir")
                + "; the catalog tests need the shared/ directory beside the repository");
        throw new AssertionError("unreachable");
    }

    static Path catalogDirectory() {
        return sharedDirectory().resolve("conformance").resolve("stash-catalog");
    }

    /** The catalog's rendered Function and Task files of one addon, e.g. {@code postgres}. */
    static List<Path> catalogFiles(String addon) {
        try (Stream<Path> files = Files.list(catalogDirectory())) {
            List<Path> found = files.filter(p -> p.getFileName().toString().startsWith(addon + "-"))
                    .filter(p -> p.getFileName().toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
            if (found.isEmpty()) {
                fail("no catalog files for " + addon + " in " + catalogDirectory());
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<ParsedResource> read(Path file) {
        return READER.read(file);
    }

    static List<ParsedResource> readYaml(String yaml) {
        return READER.read(yaml, "test.yaml");
    }

    static List<ParsedResource> readResource(String classpathResource) {
        try (InputStream in = ResolverTestSupport.class.getResourceAsStream(classpathResource)) {
            if (in == null) {
                fail("test resource " + classpathResource + " is missing");
            }
            return READER.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), classpathResource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A resolver over the given definitions plus the built-ins. */
    static StashResolver resolver(List<ParsedResource> definitions) {
        return new StashResolver(BuiltinDefinitions.withBuiltins(InMemoryDefinitions.of(definitions)), SETTINGS);
    }

    static List<ParsedResource> concat(List<ParsedResource> first, List<ParsedResource> second) {
        List<ParsedResource> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** Every container of the pod in execution order (init containers first). */
    static List<Container> allContainers(Pod pod) {
        List<Container> all = new ArrayList<>(pod.getSpec().getInitContainers());
        all.addAll(pod.getSpec().getContainers());
        return all;
    }

    static Container container(Pod pod, String name) {
        return allContainers(pod).stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name + " in pod; containers: "
                        + allContainers(pod).stream().map(Container::getName).toList()));
    }

    /** The value of {@code --flag=value} in the container's args. */
    static String flag(Container container, String flag) {
        String prefix = flag + "=";
        return container.getArgs().stream().filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("container " + container.getName() + " has no " + flag
                        + "; args: " + container.getArgs()));
    }
}
