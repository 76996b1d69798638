package io.stashflow.builtin.restic;

import io.stashflow.builtin.secrets.RepositoryCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One restic repository, opened with a {@link ResticSetup}: the operations the built-in Functions need. Every
 * failure becomes a {@link ResticException} whose message is redacted and names the operation and the
 * repository.
 */
public final class ResticRepository implements RepositoryMaintenance, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResticRepository.class);
    private static final int MAX_REASON_LENGTH = 1000;

    private final ResticRunner runner;
    private final ResticSetup setup;
    private final ResticCommands commands;
    private final boolean cacheEnabled;

    private ResticRepository(ResticRunner runner, ResticSetup setup, boolean cacheEnabled) {
        this.runner = runner;
        this.setup = setup;
        this.commands = new ResticCommands(setup.globalFlags());
        this.cacheEnabled = cacheEnabled;
    }

    /**
     * Plans the setup, creates restic's directories below the scratch directory and writes the credential files.
     *
     * @throws ResticException when a flag or credential is missing or the scratch directory is not writable
     */
    public static ResticRepository open(ResticRunner runner, RepositorySettings settings,
            RepositoryCredentials credentials) throws ResticException {
        ResticSetup setup;
        try {
            setup = ResticSetup.plan(settings, credentials);
        } catch (IllegalArgumentException e) {
            throw new ResticException(credentials.redactor().redact(e.getMessage()));
        }
        try {
            for (Path dir : setup.directories(settings)) {
                Files.createDirectories(dir);
            }
            for (Map.Entry<Path, String> file : setup.credentialFiles().entrySet()) {
                writeOwnerOnly(file.getKey(), file.getValue());
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ResticException("cannot prepare restic's directories below --scratch-dir "
                    + settings.scratchDir() + ": " + describe(e) + "; give the step a writable scratch directory");
        }
        LOG.debug("restic setup: {}", setup);
        return new ResticRepository(runner, setup, settings.enableCache());
    }

    /** The repository location without credentials. */
    public String location() {
        return setup.displayRepository();
    }

    /**
     * Creates the repository when it does not exist yet (Stash's {@code InitializeBackendRepository}).
     *
     * @return whether it was created
     */
    public boolean initialiseIfMissing() throws ResticException {
        ResticRunner.ProcessResult probe = run("snapshots", commands.snapshots());
        if (probe.exitCode() == 0) {
            return false;
        }
        if (!ResticOutput.repositoryDoesNotExist(probe.stderr())) {
            throw failure("open the repository", probe);
        }
        LOG.info("no restic repository at {} yet, initialising it", location());
        ResticRunner.ProcessResult init = run("init", commands.init());
        if (init.exitCode() != 0) {
            throw failure("initialise the repository", init);
        }
        return true;
    }

    /** Backs up one path and returns restic's summary. */
    public ResticOutput.BackupSummary backup(String path, String host, List<String> excludes, List<String> extraArgs)
            throws ResticException {
        ResticRunner.ProcessResult result = run("backup", commands.backup(path, host, excludes, extraArgs, cacheEnabled));
        if (result.exitCode() != 0) {
            throw failure("back up " + path, result);
        }
        try {
            return ResticOutput.backupSummary(result.stdout());
        } catch (IllegalArgumentException e) {
            throw new ResticException("restic backup of " + path + " to " + location() + ": " + e.getMessage());
        }
    }

    /** Restores a snapshot ({@code latest} allowed) below the target directory. */
    public void restore(String snapshot, String path, String host, Path target, List<String> includes,
            List<String> excludes, List<String> extraArgs) throws ResticException {
        ResticRunner.ProcessResult result = run("restore",
                commands.restore(snapshot, path, host, target, includes, excludes, extraArgs));
        if (result.exitCode() != 0) {
            throw failure("restore snapshot " + snapshot, result);
        }
    }

    /**
     * The snapshots {@link ResticCommands#findSnapshots} lists; empty when none matches (restic exits 0 then, also
     * for an unknown ID).
     */
    public List<ResticOutput.Snapshot> findSnapshots(String snapshot, String host, String path)
            throws ResticException {
        ResticRunner.ProcessResult result = run("snapshots", commands.findSnapshots(snapshot, host, path));
        if (result.exitCode() != 0) {
            throw failure("list the snapshots", result);
        }
        try {
            return ResticOutput.snapshots(result.stdout());
        } catch (IllegalArgumentException e) {
            throw new ResticException("restic snapshots on " + location() + ": " + e.getMessage());
        }
    }

    @Override
    public ResticOutput.ForgetSummary forget(Retention retention) throws ResticException {
        ResticRunner.ProcessResult result = run("forget", commands.forget(retention));
        if (result.exitCode() != 0) {
            throw failure("apply the retention policy (forget)", result);
        }
        try {
            return ResticOutput.forgetSummary(result.stdout());
        } catch (IllegalArgumentException e) {
            throw new ResticException("restic forget on " + location() + ": " + e.getMessage());
        }
    }

    @Override
    public void check() throws ResticException {
        ResticRunner.ProcessResult result = run("check", commands.check());
        if (result.exitCode() != 0) {
            boolean damaged = ResticOutput.checkFoundErrors(result.stderr());
            throw new ResticException(failure("check the repository", result).getMessage(), damaged);
        }
        if (!ResticOutput.checkFoundNoErrors(result.stdout())) {
            throw new ResticException("restic check on " + location() + " exited 0 but did not say \"no errors were"
                    + " found\"; the repository's integrity is unknown");
        }
    }

    @Override
    public ResticOutput.RepositoryStats stats() throws ResticException {
        ResticRunner.ProcessResult result = run("stats", commands.stats());
        if (result.exitCode() != 0) {
            throw failure("read the repository's stats", result);
        }
        try {
            return ResticOutput.repositoryStats(result.stdout());
        } catch (IllegalArgumentException e) {
            throw new ResticException("restic stats on " + location() + ": " + e.getMessage());
        }
    }

    private ResticRunner.ProcessResult run(String operation, List<String> args) throws ResticException {
        LOG.info("restic {} (repository {})", String.join(" ", args), location());
        try {
            ResticRunner.ProcessResult result = runner.run(args, setup.environment());
            LOG.debug("restic {} exited with {}", operation, result.exitCode());
            return result;
        } catch (IOException e) {
            throw new ResticException(setup.redactor().redact(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResticException("restic " + operation + " was interrupted");
        }
    }

    private ResticException failure(String what, ResticRunner.ProcessResult result) {
        String reason = setup.redactor().redact(
                ResticOutput.failureReason(result.exitCode(), result.stderr(), MAX_REASON_LENGTH));
        return new ResticException("restic could not " + what + " (repository " + location() + "): " + reason);
    }

    /**
     * Deletes the credential files written for restic (a GCS key, a CA bundle), so that they do not outlive the
     * step in a scratch directory the local runtime keeps.
     */
    @Override
    public void close() {
        for (Path file : setup.credentialFiles().keySet()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("cannot delete the credential file {}: {}", file, e.getClass().getSimpleName());
            }
        }
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static String describe(Exception e) {
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (cause instanceof FileSystemException fs) {
            return fs.getClass().getSimpleName() + " " + fs.getFile()
                    + (fs.getReason() == null ? "" : " (" + fs.getReason() + ")");
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
