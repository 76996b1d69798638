package io.stashflow.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.stashflow.api.model.Function;
import io.stashflow.api.model.ParsedResource;
import io.stashflow.api.model.StashResourceReader;
import io.stashflow.builtin.hook.RunHookCommand;
import io.stashflow.builtin.pvc.BackupPvcCommand;
import io.stashflow.builtin.pvc.RestorePvcCommand;
import io.stashflow.builtin.updatestatus.UpdateStatusCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every argument the built-in Function definitions (function-planner's
 * {@code src/main/resources/io/stashflow/planner/builtin/*-function.yaml}) and Stash's hook container pass is
 * accepted by these commands, after substituting simple values for the variables.
 */
class BuiltinFunctionArgsTest {

    /** Read from the source tree: builtin-functions does not depend on function-planner. */
    private static final Path DEFINITIONS = Path.of("..", "function-planner", "src", "main", "resources", "io",
            "stashflow", "planner", "builtin");

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::=([^}]*))?}");

    /** Simple values for the variables a resolver would fill; the rest take their default. */
    private static final Map<String, String> VALUES = Map.ofEntries(
            Map.entry("REPOSITORY_PROVIDER", "s3"), Map.entry("REPOSITORY_BUCKET", "backups"),
            Map.entry("REPOSITORY_ENDPOINT", "https://minio.local"), Map.entry("REPOSITORY_PREFIX", "demo/data"),
            Map.entry("REPOSITORY_SECRET_NAME", "repo-secret"), Map.entry("REPOSITORY_SECRET_NAMESPACE", "demo"),
            Map.entry("HOSTNAME", "host-0"), Map.entry("NAMESPACE", "demo"), Map.entry("BACKUP_SESSION", "nightly-1"),
            Map.entry("INVOKER_KIND", "BackupConfiguration"), Map.entry("INVOKER_NAME", "nightly"),
            Map.entry("TARGET_KIND", "PersistentVolumeClaim"), Map.entry("TARGET_NAME", "data"),
            Map.entry("TARGET_NAMESPACE", "demo"), Map.entry("TARGET_PATHS", "/stash-data,/stash-data/b"),
            Map.entry("EXCLUDE_PATTERNS", "*.tmp"), Map.entry("DRIVER_ARGS", "--tag nightly"),
            Map.entry("RETENTION_KEEP_LAST", "5"), Map.entry("RETENTION_PRUNE", "true"),
            Map.entry("RETENTION_KEEP_TAGS", "gold,silver"), Map.entry("outputDir", "/stash-tmp/output"),
            Map.entry("RESTORE_SNAPSHOTS", "1a2b3c4d"), Map.entry("SOURCE_HOSTNAME", "host-0"),
            Map.entry("INCLUDE_PATTERNS", "/stash-data/a"), Map.entry("RESTORE_PATHS", "/stash-data"),
            Map.entry("TARGET_MOUNT_PATH", "/stash-data"));

    static String substitute(String text) {
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = VALUES.getOrDefault(matcher.group(1), matcher.group(2) == null ? "x" : matcher.group(2));
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static Object command(String name) {
        return switch (name) {
            case "update-status" -> new UpdateStatusCommand();
            case "backup-pvc" -> new BackupPvcCommand();
            case "restore-pvc" -> new RestorePvcCommand();
            case "run-hook" -> new RunHookCommand();
            default -> fail("unknown built-in command " + name);
        };
    }

    private static void assertAccepted(String source, List<String> args) {
        assertFalse(args.isEmpty(), source + " has no args");
        CommandLine commandLine = new CommandLine(command(args.get(0)));
        try {
            CommandLine.ParseResult result = commandLine.parseArgs(args.subList(1, args.size()).toArray(String[]::new));
            assertTrue(result.unmatched().isEmpty(), source + ": unmatched " + result.unmatched());
        } catch (CommandLine.ParameterException e) {
            fail(source + ": " + args.get(0) + " does not accept " + args + ": " + e.getMessage());
        }
    }

    @Test
    void everyBuiltinFunctionDefinitionsArgsAreAccepted() throws IOException {
        assertTrue(Files.isDirectory(DEFINITIONS), "the built-in Function definitions are expected in " + DEFINITIONS.toAbsolutePath());
        List<Path> files;
        try (Stream<Path> list = Files.list(DEFINITIONS)) {
            files = list.filter(f -> f.getFileName().toString().endsWith("-function.yaml")).sorted().toList();
        }
        List<String> commands = new ArrayList<>();
        for (Path file : files) {
            for (ParsedResource parsed : new StashResourceReader().read(file)) {
                Function function = parsed.as(Function.class);
                List<String> args = function.spec().args().stream().map(BuiltinFunctionArgsTest::substitute).toList();
                assertAccepted(file.getFileName().toString(), args);
                commands.add(args.get(0));
            }
        }
        assertEquals(List.of("backup-pvc", "restore-pvc", "update-status"), commands.stream().sorted().toList(),
                "the three built-in Functions are defined");
    }

    @Test
    void theHookContainersArgsAreAccepted() {
        // Stash's HookExecutorContainer args (and the resolver's hook container), plus the hook itself
        List<String> args = List.of("run-hook", "--backupsession=nightly-1", "--invoker-kind=BackupConfiguration",
                "--invoker-name=nightly", "--target-kind=AppBinding", "--target-namespace=demo", "--target-name=pg",
                "--hook-type=preBackup", "--hostname=host-0", "--output-dir=/stash-tmp/output", "--metrics-enabled=true",
                "--metrics-pushgateway-url=http://stash.kube-system.svc:56789", "--hook-json={\"exec\":{\"command\":[\"true\"]}}",
                "--retry-left=2", "--restoresession=", "--namespace=demo");
        assertAccepted("hook container", args);
    }

    @Test
    void catalogStyleStashFlagsAreAcceptedAndIgnored() {
        assertAccepted("catalog flags", List.of("update-status", "--license-apiservice=v1beta1.admission.licenses.appscode.com",
                "--storage-secret-name=s", "--storage-secret-namespace=demo", "--metrics-enabled", "--metrics-dir=/tmp",
                "--metrics-labels=a=b", "--pushgateway-url=http://p", "--enable-analytics=false",
                "--secret-dir=/etc/repository/secret", "--output-dir=/stash-tmp/output"));
        assertAccepted("old Stash backup-pvc", List.of("backup-pvc", "--backup-paths=/a,/b", "--secret-dir=/etc/s",
                "--retention-keep-last=3", "--retention-prune", "--provider=local", "--bucket=/repo"));
    }
}
