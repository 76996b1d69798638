package io.stashflow.builtin.pvc;

import io.stashflow.builtin.cli.ExitCodes;
import io.stashflow.builtin.cli.FlagValues;
import io.stashflow.builtin.cli.IgnoredStashOptions;
import io.stashflow.builtin.cli.InvocationOptions;
import io.stashflow.builtin.cli.LogContext;
import io.stashflow.builtin.cli.RepositoryOptions;
import io.stashflow.builtin.cli.RetentionOptions;
import io.stashflow.builtin.output.ResultFiles;
import io.stashflow.builtin.output.StepOutputs;
import io.stashflow.builtin.output.StepOutputs.BackupOutput;
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
 * {@code stashflow backup-pvc}: {@code restic backup} of the target paths into the Repository (initialising it
 * when it does not exist yet), then Stash's {@code output.json}. Exits 0 whenever output.json was written, also
 * when the backup failed (the failure is a host stat), like Stash's addons.
 */
@Command(name = "backup-pvc", mixinStandardHelpOptions = true,
        description = "Back up the target paths with restic and write output.json (Stash's pvc-backup Function).")
public final class BackupPvcCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(BackupPvcCommand.class);

    @Mixin
    RepositoryOptions repository = new RepositoryOptions();

    @Mixin
    InvocationOptions invocation = new InvocationOptions();

    @Mixin
    IgnoredStashOptions ignored = new IgnoredStashOptions();

    /** Accepted because Stash's pvc-backup Function passes them; retention is update-status's job. */
    @Mixin
    RetentionOptions retention = new RetentionOptions();

    @Option(names = {"--paths", "--backup-paths"}, description = "Comma-separated paths to back up (TARGET_PATHS)")
    String paths = "";

    @Option(names = "--exclude", description = "Comma-separated restic exclude patterns (EXCLUDE_PATTERNS)")
    String exclude = "";

    @Option(names = {"--driver-args", "--args"}, description = "Space-separated extra restic backup arguments (DRIVER_ARGS)")
    String driverArgs = "";

    private final Map<String, String> environment;
    private final ResticRunner runner;
    private final Clock clock;

    public BackupPvcCommand() {
        this(System.getenv(), ProcessResticRunner.fromEnvironment(System.getenv()), Clock.systemUTC());
    }

    public BackupPvcCommand(Map<String, String> environment, ResticRunner runner, Clock clock) {
        this.environment = Map.copyOf(environment);
        this.runner = runner;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        try (LogContext ignoredContext = LogContext.open("backup-pvc", invocation.sessionName())) {
            PvcBackup.Request request = new PvcBackup.Request(invocation.targetRef(), invocation.hostname(),
                    FlagValues.commaSeparated(paths), FlagValues.commaSeparated(exclude),
                    FlagValues.spaceSeparated(driverArgs));
            BackupOutput output = new PvcBackup(clock).run(request,
                    () -> ResticRepository.open(runner, repository.settings(), repository.credentials(environment)));
            Path outputDir = invocation.outputDir();
            if (outputDir == null) {
                // Stash writes output.json only when an output directory is given
                System.out.println(ResultFiles.indentedJson(output));
                return ExitCodes.OK;
            }
            try {
                StepOutputs.writeBackup(outputDir, output);
            } catch (IOException e) {
                LOG.error("cannot write {}: {}", StepOutputs.file(outputDir), e.toString());
                return ExitCodes.FAILED;
            }
            LOG.info("wrote {}", StepOutputs.file(outputDir));
            return ExitCodes.OK;
        }
    }
}
