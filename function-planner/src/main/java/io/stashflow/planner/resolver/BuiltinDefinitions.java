package io.stashflow.planner.resolver;

import io.stashflow.api.model.AppBinding;
import io.stashflow.api.model.BackupBatch;
import io.stashflow.api.model.BackupBlueprint;
import io.stashflow.api.model.BackupConfiguration;
import io.stashflow.api.model.BackupSession;
import io.stashflow.api.model.Function;
import io.stashflow.api.model.ParsedResource;
import io.stashflow.api.model.Repository;
import io.stashflow.api.model.RestoreSession;
import io.stashflow.api.model.StashResourceReader;
import io.stashflow.api.model.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Stashflow's built-in Functions ({@code update-status}, {@code pvc-backup}, {@code pvc-restore}) and Tasks
 * ({@code pvc-backup}, {@code pvc-restore}), read from the YAML resources in
 * {@code io/stashflow/planner/builtin/}. They run Stashflow's own image through the variables
 * {@code STASH_DOCKER_REGISTRY/IMAGE/IMAGE_TAG}, which the resolver fills from
 * {@link ResolverSettings#stashflowImage()}.
 *
 * <p><b>Which one wins.</b> A Function or Task the user defines with the same name <em>replaces</em> the
 * built-in: {@link #withBuiltins} looks in the user's definitions first and falls back to the built-ins. Stash
 * does the opposite (it create-or-patches its own on every operator start, silently undoing edits); Stashflow
 * lets a user who deliberately applies their own {@code update-status} run it, and never changes what the
 * user applied.
 */
public final class BuiltinDefinitions {

    /** Names of the built-in resource files, in load order. */
    static final List<String> RESOURCE_FILES = List.of(
            "update-status-function.yaml",
            "pvc-backup-function.yaml",
            "pvc-restore-function.yaml",
            "pvc-backup-task.yaml",
            "pvc-restore-task.yaml");

    /** Names of the built-in Functions. */
    public static final Set<String> FUNCTION_NAMES = Set.of("update-status", "pvc-backup", "pvc-restore");
    /** Names of the built-in Tasks. */
    public static final Set<String> TASK_NAMES = Set.of("pvc-backup", "pvc-restore");

    private static final BuiltinDefinitions INSTANCE = load();

    private final Map<String, Function> functions;
    private final Map<String, Task> tasks;

    private BuiltinDefinitions(Map<String, Function> functions, Map<String, Task> tasks) {
        this.functions = Map.copyOf(functions);
        this.tasks = Map.copyOf(tasks);
    }

    /** The built-ins (loaded once; they are immutable). */
    public static BuiltinDefinitions get() {
        return INSTANCE;
    }

    public Optional<Function> function(String name) {
        return Optional.ofNullable(functions.get(name));
    }

    public Optional<Task> task(String name) {
        return Optional.ofNullable(tasks.get(name));
    }

    /** The parsed built-in resources, for listing or exporting them. */
    public static List<ParsedResource> parsedResources() {
        List<ParsedResource> all = new ArrayList<>();
        StashResourceReader reader = new StashResourceReader();
        for (String file : RESOURCE_FILES) {
            all.addAll(reader.read(readResource(file), "builtin/" + file));
        }
        return all;
    }

    private static BuiltinDefinitions load() {
        Map<String, Function> functions = new LinkedHashMap<>();
        Map<String, Task> tasks = new LinkedHashMap<>();
        for (ParsedResource parsed : parsedResources()) {
            if (!parsed.warnings().isEmpty()) {
                // a typo in a built-in would silently drop a field; refuse to start instead
                throw new IllegalStateException("built-in " + parsed.kind().kind() + " " + parsed.resource().name()
                        + " has fields the model does not know: " + parsed.warnings());
            }
            if (parsed.resource() instanceof Function function) {
                functions.put(function.name(), function);
            } else if (parsed.resource() instanceof Task task) {
                tasks.put(task.name(), task);
            } else {
                throw new IllegalStateException("built-in resource " + parsed.kind().kind() + " "
                        + parsed.resource().name() + " is neither a Function nor a Task");
            }
        }
        return new BuiltinDefinitions(functions, tasks);
    }

    private static String readResource(String file) {
        String path = "/io/stashflow/planner/builtin/" + file;
        try (InputStream in = BuiltinDefinitions.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("built-in definition " + path + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read built-in definition " + path, e);
        }
    }

    /**
     * {@code userDefinitions} with the built-in Functions and Tasks behind them: a user resource of the same name
     * wins (see the class comment).
     */
    public static DefinitionLookup withBuiltins(DefinitionLookup userDefinitions) {
        BuiltinDefinitions builtins = get();
        return new DefinitionLookup() {
            @Override
            public Optional<Function> function(String name) {
                return userDefinitions.function(name).or(() -> builtins.function(name));
            }

            @Override
            public Optional<Task> task(String name) {
                return userDefinitions.task(name).or(() -> builtins.task(name));
            }

            @Override
            public Optional<BackupBlueprint> backupBlueprint(String name) {
                return userDefinitions.backupBlueprint(name);
            }

            @Override
            public Optional<BackupConfiguration> backupConfiguration(String namespace, String name) {
                return userDefinitions.backupConfiguration(namespace, name);
            }

            @Override
            public Optional<BackupBatch> backupBatch(String namespace, String name) {
                return userDefinitions.backupBatch(namespace, name);
            }

            @Override
            public Optional<BackupSession> backupSession(String namespace, String name) {
                return userDefinitions.backupSession(namespace, name);
            }

            @Override
            public Optional<RestoreSession> restoreSession(String namespace, String name) {
                return userDefinitions.restoreSession(namespace, name);
            }

            @Override
            public Optional<Repository> repository(String namespace, String name) {
                return userDefinitions.repository(namespace, name);
            }

            @Override
            public Optional<AppBinding> appBinding(String namespace, String name) {
                return userDefinitions.appBinding(namespace, name);
            }
        };
    }
}
