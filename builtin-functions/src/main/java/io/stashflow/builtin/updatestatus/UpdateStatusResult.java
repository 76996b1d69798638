package io.stashflow.builtin.updatestatus;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.stashflow.api.model.SnapshotStats;
import io.stashflow.api.model.TargetRef;
import java.util.List;

/**
 * What {@code stashflow update-status} reports: written compact to the container's termination message (at most
 * 4096 bytes, see {@link TerminationMessage}) and indented to {@code <output-dir>/update-status.json} (in full).
 * The executor parses it into a {@code StepOutcome}; status-reporter turns that into session status, Repository
 * status and metrics. Absent (null) fields are omitted from the JSON.
 *
 * <p>Example (a backup whose host succeeded, on the last target):
 * <pre>{@code
 * {"version":1,"kind":"backup","namespace":"demo","session":"pvc-backup-1700000000",
 *  "invoker":{"kind":"BackupConfiguration","name":"pvc-backup"},
 *  "target":{"kind":"PersistentVolumeClaim","name":"data","namespace":"demo"},
 *  "hostCounts":{"total":1,"succeeded":1,"failed":0},
 *  "hosts":[{"hostname":"host-0","phase":"Succeeded","duration":"2.345s",
 *            "snapshots":[{"name":"1a2b3c4d","path":"/stash-data","totalSize":"12.300 MiB","uploaded":"1.200 MiB",
 *                          "processingTime":"0:02","fileStats":{"totalFiles":10,"newFiles":1,"modifiedFiles":2,
 *                          "unmodifiedFiles":7}}]}],
 *  "repository":{"location":"s3:s3.amazonaws.com/bucket/demo","actions":[
 *      {"action":"forget","stashAction":"ApplyRetentionPolicy","outcome":"Succeeded","message":"kept 5 and removed 1 snapshots"},
 *      {"action":"check","stashAction":"VerifyRepositoryIntegrity","outcome":"Succeeded","message":"no errors were found"},
 *      {"action":"stats","stashAction":"VerifyRepositoryIntegrity","outcome":"Succeeded","message":"12.300 MiB in 5 snapshots"}],
 *    "integrity":true,"totalSize":"12.300 MiB","totalSizeBytes":12897484,"snapshotCount":5,
 *    "snapshotsRemovedOnLastCleanup":1}}
 * }</pre>
 *
 * @param version format version of this record, {@value #VERSION}
 * @param kind {@code backup} (when {@code --backupsession} is non-empty) or {@code restore}
 * @param namespace the session's namespace ({@code --namespace})
 * @param session the BackupSession or RestoreSession name
 * @param invoker the invoker's kind and name
 * @param target the target (from the flags; from output.json's {@code ref} when the flags name none)
 * @param error set only when update-status could not read its input (then it also exits non-zero and
 *     {@code hosts} and {@code repository} are absent): what is wrong and where
 * @param hostCounts how many hosts output.json lists, and how many of them succeeded and failed; always complete,
 *     also when {@code hosts} was shortened
 * @param hosts the host stats from output.json ({@code phase} {@code Succeeded} or {@code Failed}; Stash's
 *     {@code HostBackupStats}/{@code HostRestoreStats}); in the termination message possibly without snapshot
 *     details, with shortened errors or without some succeeded hosts (see {@code truncated})
 * @param repository the post-backup repository actions; absent for restores
 * @param truncated {@code true} when this is a shortened termination message; absent otherwise
 * @param hostsOmitted how many hosts a shortened termination message leaves out (failed hosts are kept first)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpdateStatusResult(
        int version,
        String kind,
        String namespace,
        String session,
        ObjectReference invoker,
        TargetRef target,
        String error,
        HostCounts hostCounts,
        List<HostResult> hosts,
        RepositoryResult repository,
        Boolean truncated,
        Integer hostsOmitted) {

    public static final int VERSION = 1;
    public static final String KIND_BACKUP = "backup";
    public static final String KIND_RESTORE = "restore";

    /** @param kind the invoker's kind, e.g. {@code BackupConfiguration}; @param name its name */
    public record ObjectReference(String kind, String name) {
    }

    public record HostCounts(int total, int succeeded, int failed) {
    }

    /**
     * One host as output.json reported it.
     *
     * @param phase {@code Succeeded} or {@code Failed} (restores may also report {@code Running} or {@code Unknown})
     * @param duration Go duration text, e.g. {@code 1m2.5s}
     * @param snapshots backups only: one entry per backed-up path (sizes in Stash's text form)
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record HostResult(String hostname, String phase, String duration, String error,
            List<SnapshotStats> snapshots) {
    }

    /**
     * The post-backup repository actions (Stash's {@code ApplyRetentionPolicy} and
     * {@code VerifyRepositoryIntegrity}; Stash's third action, {@code SendRepositoryMetrics}, is status-reporter's).
     *
     * @param location the repository location without credentials
     * @param skippedReason set when no action ran at all, saying why (a host failed, not the last target, ...)
     * @param actions {@code forget}, {@code check}, {@code stats} in that order with their outcomes; empty when
     *     skipped
     * @param integrity {@code true} when check found no errors, {@code false} when it found damage, absent when
     *     check did not run or failed for another reason (the repository could not be reached)
     * @param totalSize the repository's stored size ({@code restic stats --mode raw-data}) as Stash writes it
     * @param totalSizeBytes the same in bytes
     * @param snapshotCount snapshots in the repository after retention (from stats; from forget when stats did not run)
     * @param snapshotsRemovedOnLastCleanup snapshots forget removed (0 on a dry run)
     * @param retentionDryRun {@code true} when forget ran with {@code --dry-run}: nothing was removed
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RepositoryResult(String location, String skippedReason, List<RepositoryAction> actions,
            Boolean integrity, String totalSize, Long totalSizeBytes, Long snapshotCount,
            Long snapshotsRemovedOnLastCleanup, Boolean retentionDryRun) {
    }

    /**
     * @param action {@code forget}, {@code check} or {@code stats}
     * @param stashAction the Stash post-backup action it belongs to ({@code ApplyRetentionPolicy} for forget,
     *     {@code VerifyRepositoryIntegrity} for check and stats), i.e. which target condition it decides
     *     ({@code RetentionPolicyApplied}, {@code RepositoryIntegrityVerified})
     * @param outcome {@code Succeeded}; {@code Failed}; {@code Skipped} (forget with a policy that sets nothing to
     *     keep); {@code NotRun} (an earlier action failed, and like Stash update-status stops at the first failure)
     * @param message what happened, or why it failed (redacted restic error text)
     */
    public record RepositoryAction(String action, String stashAction, String outcome, String message) {
    }

    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";
    public static final String SKIPPED = "Skipped";
    public static final String NOT_RUN = "NotRun";
}
