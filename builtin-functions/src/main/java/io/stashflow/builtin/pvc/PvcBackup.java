package io.stashflow.builtin.pvc;

import io.stashflow.api.model.FileStats;
import io.stashflow.api.model.HostBackupStats;
import io.stashflow.api.model.SnapshotStats;
import io.stashflow.api.model.TargetRef;
import io.stashflow.builtin.output.HumanUnits;
import io.stashflow.builtin.output.StepOutputs.BackupOutput;
import io.stashflow.builtin.output.StepOutputs.BackupTargetOutput;
import io.stashflow.builtin.restic.ResticException;
import io.stashflow.builtin.restic.ResticOutput;
import io.stashflow.builtin.restic.ResticRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backs up a PVC's paths into the repository, one snapshot per path (as Stash does), and describes the result in
 * Stash's BackupOutput. Like Stash's addons it never fails: any error becomes one host stat
 * {@code {hostname, phase: Failed, error}}.
 */
public final class PvcBackup {

    private static final Logger LOG = LoggerFactory.getLogger(PvcBackup.class);

    /** What to back up. */
    public record Request(TargetRef target, String hostname, List<String> paths, List<String> excludes,
            List<String> driverArgs) {
        public Request {
            paths = List.copyOf(paths);
            excludes = List.copyOf(excludes);
            driverArgs = List.copyOf(driverArgs);
        }
    }

    /** Opens the repository; separate so that a missing password becomes a failed host, not an exception. */
    @FunctionalInterface
    public interface RepositoryOpener {
        ResticRepository open() throws ResticException;
    }

    private final Clock clock;

    public PvcBackup(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
    }

    public BackupOutput run(Request request, RepositoryOpener opener) {
        Instant start = clock.instant();
        HostBackupStats host;
        try {
            host = backUp(request, opener, start);
        } catch (ResticException | RuntimeException e) {
            String error = describe(e);
            LOG.error("backup of host {} failed: {}", request.hostname(), error);
            host = new HostBackupStats(request.hostname(), "Failed", null, error, List.of());
        }
        return new BackupOutput(new BackupTargetOutput(request.target(), List.of(host)));
    }

    private HostBackupStats backUp(Request request, RepositoryOpener opener, Instant start) throws ResticException {
        if (request.paths().isEmpty()) {
            throw new ResticException("nothing to back up: --paths is empty; the target needs paths (TARGET_PATHS,"
                    + " from spec.target.paths, default /stash-data)");
        }
        List<SnapshotStats> snapshots = new ArrayList<>();
        try (ResticRepository repository = opener.open()) {
            repository.initialiseIfMissing();
            for (String path : request.paths()) {
                ResticOutput.BackupSummary summary = repository.backup(path, request.hostname(), request.excludes(),
                        request.driverArgs());
                snapshots.add(snapshotStats(path, summary));
                LOG.info("backed up {} as snapshot {} ({} processed, {} added)", path, summary.snapshotId(),
                        HumanUnits.bytes(summary.totalBytesProcessed()), HumanUnits.bytes(summary.dataAdded()));
            }
        }
        String duration = HumanUnits.goDuration(Duration.between(start, clock.instant()));
        return new HostBackupStats(request.hostname(), "Succeeded", duration, null, snapshots);
    }

    /** Stash's snapshot stats from restic's summary (stashed/apimachinery {@code extractBackupInfo}). */
    static SnapshotStats snapshotStats(String path, ResticOutput.BackupSummary summary) {
        return new SnapshotStats(summary.snapshotId(), path, HumanUnits.bytes(summary.totalBytesProcessed()),
                HumanUnits.bytes(summary.dataAdded()), HumanUnits.processingTime(summary.totalDurationSeconds()),
                new FileStats(summary.totalFilesProcessed(), summary.filesNew(), summary.filesChanged(),
                        summary.filesUnmodified()));
    }

    /** A failure as a host stat's error: restic's and the flags' messages are complete sentences already. */
    static String describe(Exception e) {
        if (e instanceof ResticException || e instanceof IllegalArgumentException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
