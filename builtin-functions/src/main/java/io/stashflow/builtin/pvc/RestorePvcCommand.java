package io.stashflow.builtin.pvc;

import io.stashflow.builtin.cli.ExitCodes;
import io.stashflow.builtin.cli.FlagValues;
import io.stashflow.builtin.cli.IgnoredStashOptions;
import io.stashflow.builtin.cli.InvocationOptions;
import io.stashflow.builtin.cli.LogContext;
import io.stashflow.builtin.cli.RepositoryOptions;
import io.stashflow.builtin.output.ResultFiles;
import io.stashflow.builtin.output.StepOutputs;
import io.stashflow.builtin.output.StepOutputs.RestoreOutput;
import io.stashflow.builtin.restic.ProcessResticRunner;
import io.stashflow.builtin.restic.ResticRepository;
import io.stashflow.builtin.restic.ResticRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code stashflow restore-pvc}: {@code restic restore} of the chosen snapshots under {@code --target} (a snapshot
 * of one path outside {@code --target-mount-path}: into that mount), then Stash's RestoreOutput in
 * {@code output.json}. Exits 0 whenever output.json was written.
 */
@Command(name = "restore-pvc", mixinStandardHelpOptions = true,
        description = "Restore snapshots with restic and write output.json (Stash's pvc-restore Function).")
public final class RestorePvcCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RestorePvcCommand.class);

    @Mixin
    RepositoryOptions repository = new RepositoryOptions();

    @Mixin
    InvocationOptions invocation = new InvocationOptions();

    @Mixin
    IgnoredStashOptions ignored = new IgnoredStashOptions();

    @Option(names = "--snapshots", description = "Comma-separated snapshot IDs to restore (RESTORE_SNAPSHOTS)")
    String snapshots = "";

    @Option(names = "--source-hostname", description = "Host whose latest snapshot is restored when --snapshots is empty (SOURCE_HOSTNAME; default: --hostname)")
    String sourceHostname = "";

    @Option(names = {"--restore-paths", "--paths"}, description = "Comma-separated paths to restore from the latest snapshot (RESTORE_PATHS)")
    String restorePaths = "";

    @Option(names = "--include", description = "Comma-separated restic include patterns (INCLUDE_PATTERNS)")
    String include = "";

    @Option(names = "--exclude", description = "Comma-separated restic exclude patterns (EXCLUDE_PATTERNS)")
    String exclude = "";

    @Option(names = {"--driver-args", "--args"}, description = "Space-separated extra restic restore arguments (DRIVER_ARGS)")
    String driverArgs = "";

    @Option(names = "--target", description = "Directory the snapshot paths are recreated under (default: ${DEFAULT-VALUE}, i.e. in place)")
    Path target = Path.of("/");

    @Option(names = "--target-mount-path", description = "Where the restore target's volume is mounted (TARGET_MOUNT_PATH);"
            + " a snapshot whose single path lies outside it is restored into it instead of in place")
    String targetMountPath = "";

    private final Map<String, String> environment;
    private final ResticRunner runner;
    private final Clock clock;

    public RestorePvcCommand() {
        this(System.getenv(), ProcessResticRunner.fromEnvironment(System.getenv()), Clock.systemUTC());
    }

    public RestorePvcCommand(Map<String, String> environment, ResticRunner runner, Clock clock) {
        this.environment = Map.copyOf(environment);
        this.runner = runner;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        try (LogContext ignoredContext = LogContext.open("restore-pvc", invocation.sessionName())) {
            PvcRestore.Request request = new PvcRestore.Request(invocation.targetRef(), invocation.hostname(),
                    sourceHostname, FlagValues.commaSeparated(snapshots), FlagValues.commaSeparated(restorePaths),
                    FlagValues.commaSeparated(include), FlagValues.commaSeparated(exclude),
                    FlagValues.spaceSeparated(driverArgs), target.toAbsolutePath(), targetMountPath);
            RestoreOutput output = new PvcRestore(clock).run(request,
                    () -> ResticRepository.open(runner, repository.settings(), repository.credentials(environment)));
            Path outputDir = invocation.outputDir();
            if (outputDir == null) {
                System.out.println(ResultFiles.indentedJson(output));
                return ExitCodes.OK;
            }
            try {
                StepOutputs.writeRestore(outputDir, output);
            } catch (IOException e) {
                LOG.error("cannot write {}: {}", StepOutputs.file(outputDir), e.toString());
                return ExitCodes.FAILED;
            }
            LOG.info("wrote {}", StepOutputs.file(outputDir));
            return ExitCodes.OK;
        }
    }
}
