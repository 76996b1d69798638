package io.stashflow.builtin.updatestatus;

import io.stashflow.builtin.cli.ExitCodes;
import io.stashflow.builtin.cli.IgnoredStashOptions;
import io.stashflow.builtin.cli.InvocationOptions;
import io.stashflow.builtin.cli.LogContext;
import io.stashflow.builtin.cli.RepositoryOptions;
import io.stashflow.builtin.cli.RetentionOptions;
import io.stashflow.builtin.output.ResultFiles;
import io.stashflow.builtin.output.StepOutputs;
import io.stashflow.builtin.restic.ProcessResticRunner;
import io.stashflow.builtin.restic.ResticException;
import io.stashflow.builtin.restic.ResticRepository;
import io.stashflow.builtin.restic.ResticRunner;
import io.stashflow.builtin.restic.Retention;
import io.stashflow.builtin.secrets.RepositoryCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code stashflow update-status}: the main container of every catalog Task. Reads {@code <output-dir>/output.json},
 * runs the post-backup repository actions when they are due (see {@link UpdateStatus}), and writes one
 * {@link UpdateStatusResult}: in full to {@code <output-dir>/update-status.json} and shortened to at most 4096
 * bytes to the termination message.
 *
 * <p>Exit codes: 0 whenever the result was written, whatever the backup's outcome (a failed host, a failed
 * check); 1 when output.json cannot be read or the result cannot be written; 2 for bad flags.
 */
@Command(name = "update-status", mixinStandardHelpOptions = true,
        description = "Read output.json, run the post-backup repository actions with restic and write the result"
                + " to the termination message (Stash's update-status Function).")
public final class UpdateStatusCommand implements Callable<Integer> {

    /** The full result's file name in the output directory. */
    public static final String RESULT_FILE_NAME = "update-status.json";

    private static final Logger LOG = LoggerFactory.getLogger(UpdateStatusCommand.class);

    @Mixin
    RepositoryOptions repository = new RepositoryOptions();

    @Mixin
    InvocationOptions invocation = new InvocationOptions();

    @Mixin
    RetentionOptions retention = new RetentionOptions();

    @Mixin
    IgnoredStashOptions ignored = new IgnoredStashOptions();

    @Option(names = "--post-backup-actions", arity = "0..1", fallbackValue = "true",
            description = "Run forget, check and stats after a successful backup; the planner sets false on all but"
                    + " the last target (default: ${DEFAULT-VALUE})")
    boolean postBackupActions = true;

    // The local runtime sets STASHFLOW_TERMINATION_MESSAGE_PATH to a file in the run directory, so a host process never
    // writes /dev/termination-log; in a pod the variable is unset and Kubernetes' path applies.
    @Option(names = "--termination-message-path",
            defaultValue = "${env:STASHFLOW_TERMINATION_MESSAGE_PATH:-" + ResultFiles.DEFAULT_TERMINATION_MESSAGE_PATH + "}",
            description = "File Kubernetes reads the container's termination message from"
                    + " (default: $STASHFLOW_TERMINATION_MESSAGE_PATH, else ${DEFAULT-VALUE})")
    Path terminationMessagePath;

    private final Map<String, String> environment;
    private final ResticRunner runner;

    public UpdateStatusCommand() {
        this(System.getenv(), ProcessResticRunner.fromEnvironment(System.getenv()));
    }

    public UpdateStatusCommand(Map<String, String> environment, ResticRunner runner) {
        this.environment = Map.copyOf(environment);
        this.runner = runner;
    }

    @Override
    public Integer call() {
        try (LogContext ignoredContext = LogContext.open("update-status", invocation.sessionName())) {
            Path outputDir = invocation.outputDir();
            if (outputDir == null) {
                LOG.error("--output-dir is empty: update-status reads <output-dir>/output.json; pass the Task step's"
                        + " outputDir param (--output-dir=${outputDir:=})");
                return ExitCodes.USAGE;
            }
            Retention policy;
            try {
                policy = retention.retention();
            } catch (IllegalArgumentException e) {
                LOG.error("{}", e.getMessage());
                return ExitCodes.USAGE;
            }
            UpdateStatus.Request request = new UpdateStatus.Request(invocation.namespace(), invocation.sessionName(),
                    invocation.invokerKind(), invocation.invokerName(), invocation.targetRef(), postBackupActions,
                    policy);
            UpdateStatus updateStatus = new UpdateStatus();
            UpdateStatusResult result;
            boolean inputReadable = true;
            try {
                if (invocation.isBackup()) {
                    result = updateStatus.backup(request, StepOutputs.readBackup(outputDir), this::openRepository);
                } else {
                    result = updateStatus.restore(request, StepOutputs.readRestore(outputDir));
                }
            } catch (StepOutputs.UnreadableOutputException e) {
                LOG.error("cannot read the step output: {}", e.getMessage());
                result = updateStatus.unreadableInput(request, invocation.isBackup(), e.getMessage());
                inputReadable = false;
            }
            boolean written = write(result, outputDir);
            return inputReadable && written ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    private UpdateStatus.OpenedRepository openRepository() throws ResticException {
        RepositoryCredentials credentials;
        try {
            credentials = repository.credentials(environment);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new ResticException(e.getMessage());
        }
        ResticRepository opened = ResticRepository.open(runner, repository.settings(), credentials);
        return new UpdateStatus.OpenedRepository(opened, opened.location(), opened);
    }

    private boolean write(UpdateStatusResult result, Path outputDir) {
        boolean written = true;
        Path resultFile = outputDir.resolve(RESULT_FILE_NAME);
        try {
            ResultFiles.write(resultFile, ResultFiles.indentedJson(result));
        } catch (IOException e) {
            LOG.error("cannot write {}: {}", resultFile, e.toString());
            written = false;
        }
        String message = TerminationMessage.fit(result, ResultFiles.TERMINATION_MESSAGE_LIMIT);
        try {
            ResultFiles.write(terminationMessagePath, message);
        } catch (IOException e) {
            LOG.error("cannot write the termination message to {}: {}; pass --termination-message-path",
                    terminationMessagePath, e.toString());
            written = false;
        }
        LOG.info("update-status result: {}", message);
        return written;
    }
}
