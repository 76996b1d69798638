package io.stashflow.builtin.updatestatus;

import io.stashflow.api.model.HostBackupStats;
import io.stashflow.api.model.HostRestoreStats;
import io.stashflow.api.model.TargetRef;
import io.stashflow.builtin.output.HumanUnits;
import io.stashflow.builtin.output.StepOutputs.BackupOutput;
import io.stashflow.builtin.output.StepOutputs.RestoreOutput;
import io.stashflow.builtin.restic.RepositoryMaintenance;
import io.stashflow.builtin.restic.ResticException;
import io.stashflow.builtin.restic.ResticOutput;
import io.stashflow.builtin.restic.Retention;
import io.stashflow.builtin.updatestatus.UpdateStatusResult.HostCounts;
import io.stashflow.builtin.updatestatus.UpdateStatusResult.HostResult;
import io.stashflow.builtin.updatestatus.UpdateStatusResult.ObjectReference;
import io.stashflow.builtin.updatestatus.UpdateStatusResult.RepositoryAction;
import io.stashflow.builtin.updatestatus.UpdateStatusResult.RepositoryResult;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * update-status without its command line: turns a step's output.json into an {@link UpdateStatusResult}, running
 * the post-backup repository actions when Stash would (stashed/stash {@code pkg/status/status.go},
 * {@code UpdatePostBackupStatus}): only for a backup, only when no host failed, only on the last target, in the
 * order forget, check, stats, and stopping at the first failure. It never calls the Kubernetes API and never
 * pushes metrics.
 */
public final class UpdateStatus {

    private static final Logger LOG = LoggerFactory.getLogger(UpdateStatus.class);

    static final String FORGET = "forget";
    static final String CHECK = "check";
    static final String STATS = "stats";
    static final String APPLY_RETENTION_POLICY = "ApplyRetentionPolicy";
    static final String VERIFY_REPOSITORY_INTEGRITY = "VerifyRepositoryIntegrity";

    /**
     * @param postBackupActions whether this is the target that runs the repository actions (the last one)
     */
    public record Request(String namespace, String session, String invokerKind, String invokerName, TargetRef target,
            boolean postBackupActions, Retention retention) {
    }

    /** Opens the repository only when an action runs, so a restore or a failed host needs no credentials. */
    @FunctionalInterface
    public interface MaintenanceOpener {
        /** @return the repository and its location without credentials */
        OpenedRepository open() throws ResticException;
    }

    /** @param location for the result, without credentials */
    public record OpenedRepository(RepositoryMaintenance maintenance, String location, AutoCloseable resources) {
    }

    public UpdateStatusResult backup(Request request, BackupOutput output, MaintenanceOpener opener) {
        List<HostBackupStats> stats = output.targetStatus().stats();
        List<HostResult> hosts = stats.stream()
                .map(h -> new HostResult(h.hostname(), h.phase(), h.duration(), h.error(), h.snapshots()))
                .toList();
        HostCounts counts = counts(hosts);
        RepositoryResult repository = repositoryActions(request, hosts, counts, opener);
        return new UpdateStatusResult(UpdateStatusResult.VERSION, UpdateStatusResult.KIND_BACKUP,
                request.namespace(), request.session(), invoker(request),
                target(request.target(), output.targetStatus().ref()), null, counts, hosts, repository, null, null);
    }

    public UpdateStatusResult restore(Request request, RestoreOutput output) {
        List<HostRestoreStats> stats = output.targetStatus().stats();
        List<HostResult> hosts = stats.stream()
                .map(h -> new HostResult(h.hostname(), h.phase(), h.duration(), h.error(), List.of()))
                .toList();
        return new UpdateStatusResult(UpdateStatusResult.VERSION, UpdateStatusResult.KIND_RESTORE,
                request.namespace(), request.session(), invoker(request),
                target(request.target(), output.targetStatus().ref()), null, counts(hosts), hosts, null, null, null);
    }

    /** The result when output.json could not be read. */
    public UpdateStatusResult unreadableInput(Request request, boolean backup, String error) {
        return new UpdateStatusResult(UpdateStatusResult.VERSION,
                backup ? UpdateStatusResult.KIND_BACKUP : UpdateStatusResult.KIND_RESTORE, request.namespace(),
                request.session(), invoker(request), request.target(), error, null, null, null, null, null);
    }

    private RepositoryResult repositoryActions(Request request, List<HostResult> hosts, HostCounts counts,
            MaintenanceOpener opener) {
        if (hosts.isEmpty()) {
            return skipped("output.json lists no host, so there is no backup to follow up; the repository actions"
                    + " did not run");
        }
        if (counts.failed() > 0) {
            String failed = hosts.stream().filter(UpdateStatus::failed).map(HostResult::hostname)
                    .collect(Collectors.joining(", "));
            return skipped("host(s) " + failed + " failed; like Stash, the repository actions run only when every"
                    + " host of the backup succeeded");
        }
        if (!request.postBackupActions()) {
            return skipped("not the last target of the session (--post-backup-actions=false); the repository"
                    + " actions run once, after the last target");
        }
        return runActions(request.retention(), opener);
    }

    private RepositoryResult runActions(Retention retention, MaintenanceOpener opener) {
        List<RepositoryAction> actions = new ArrayList<>();
        OpenedRepository opened;
        try {
            opened = opener.open();
        } catch (ResticException e) {
            // the first action that would have run carries the reason; the rest did not run
            boolean forgetRuns = !retention.keepsNothing();
            if (!forgetRuns) {
                actions.add(forgetSkipped());
            }
            actions.add(new RepositoryAction(forgetRuns ? FORGET : CHECK,
                    forgetRuns ? APPLY_RETENTION_POLICY : VERIFY_REPOSITORY_INTEGRITY, UpdateStatusResult.FAILED,
                    e.getMessage()));
            if (forgetRuns) {
                actions.add(notRun(CHECK));
            }
            actions.add(notRun(STATS));
            return new RepositoryResult(null, null, actions, null, null, null, null, null, null);
        }
        try {
            return runActions(retention, opened, actions);
        } finally {
            try {
                opened.resources().close();
            } catch (Exception e) {
                LOG.warn("cannot release the repository's resources: {}", e.toString());
            }
        }
    }

    private RepositoryResult runActions(Retention retention, OpenedRepository opened, List<RepositoryAction> actions) {
        RepositoryMaintenance repository = opened.maintenance();
        ResticOutput.ForgetSummary forget = null;
        if (retention.keepsNothing()) {
            actions.add(forgetSkipped());
        } else {
            try {
                forget = repository.forget(retention);
                actions.add(new RepositoryAction(FORGET, APPLY_RETENTION_POLICY, UpdateStatusResult.SUCCEEDED,
                        retention.dryRun()
                                ? "dry run: would keep " + forget.kept() + " and remove " + forget.removed() + " snapshots"
                                : "kept " + forget.kept() + " and removed " + forget.removed() + " snapshots"));
            } catch (ResticException e) {
                LOG.error("forget failed: {}", e.getMessage());
                actions.add(new RepositoryAction(FORGET, APPLY_RETENTION_POLICY, UpdateStatusResult.FAILED, e.getMessage()));
                actions.add(notRun(CHECK));
                actions.add(notRun(STATS));
                return result(opened, actions, null, null, forget, retention);
            }
        }
        try {
            repository.check();
            actions.add(new RepositoryAction(CHECK, VERIFY_REPOSITORY_INTEGRITY, UpdateStatusResult.SUCCEEDED,
                    "no errors were found"));
        } catch (ResticException e) {
            LOG.error("check failed: {}", e.getMessage());
            actions.add(new RepositoryAction(CHECK, VERIFY_REPOSITORY_INTEGRITY, UpdateStatusResult.FAILED, e.getMessage()));
            actions.add(notRun(STATS));
            return result(opened, actions, e.repositoryDamaged() ? Boolean.FALSE : null, null, forget, retention);
        }
        try {
            ResticOutput.RepositoryStats stats = repository.stats();
            actions.add(new RepositoryAction(STATS, VERIFY_REPOSITORY_INTEGRITY, UpdateStatusResult.SUCCEEDED,
                    HumanUnits.bytes(stats.totalSizeBytes()) + " in " + stats.snapshotCount() + " snapshots"));
            return result(opened, actions, Boolean.TRUE, stats, forget, retention);
        } catch (ResticException e) {
            LOG.error("stats failed: {}", e.getMessage());
            actions.add(new RepositoryAction(STATS, VERIFY_REPOSITORY_INTEGRITY, UpdateStatusResult.FAILED, e.getMessage()));
            return result(opened, actions, Boolean.TRUE, null, forget, retention);
        }
    }

    private static RepositoryResult result(OpenedRepository opened, List<RepositoryAction> actions, Boolean integrity,
            ResticOutput.RepositoryStats stats, ResticOutput.ForgetSummary forget, Retention retention) {
        Long snapshotCount = null;
        if (stats != null) {
            snapshotCount = stats.snapshotCount();
        } else if (forget != null) {
            snapshotCount = retention.dryRun() ? forget.kept() + forget.removed() : forget.kept();
        }
        Long removed = forget == null ? null : retention.dryRun() ? 0L : forget.removed();
        return new RepositoryResult(opened.location(), null, List.copyOf(actions), integrity,
                stats == null ? null : HumanUnits.bytes(stats.totalSizeBytes()),
                stats == null ? null : stats.totalSizeBytes(), snapshotCount, removed,
                forget != null && retention.dryRun() ? Boolean.TRUE : null);
    }

    private static RepositoryAction forgetSkipped() {
        return new RepositoryAction(FORGET, APPLY_RETENTION_POLICY, UpdateStatusResult.SKIPPED,
                "the retention policy sets nothing to keep (no --retention-keep-* value above 0 and no"
                        + " --retention-keep-tags), so forget did not run and no snapshot was removed");
    }

    private static RepositoryAction notRun(String action) {
        String stashAction = FORGET.equals(action) ? APPLY_RETENTION_POLICY : VERIFY_REPOSITORY_INTEGRITY;
        return new RepositoryAction(action, stashAction, UpdateStatusResult.NOT_RUN,
                "not run because an earlier repository action failed");
    }

    private static RepositoryResult skipped(String reason) {
        LOG.info("repository actions skipped: {}", reason);
        return new RepositoryResult(null, reason, List.of(), null, null, null, null, null, null);
    }

    private static HostCounts counts(List<HostResult> hosts) {
        int failed = (int) hosts.stream().filter(UpdateStatus::failed).count();
        int succeeded = (int) hosts.stream().filter(h -> UpdateStatusResult.SUCCEEDED.equals(h.phase())).count();
        return new HostCounts(hosts.size(), succeeded, failed);
    }

    /** Stash decides by the phase alone ({@code HostBackupFailed}). */
    static boolean failed(HostResult host) {
        return UpdateStatusResult.FAILED.equals(host.phase());
    }

    private static ObjectReference invoker(Request request) {
        if (request.invokerKind().isEmpty() && request.invokerName().isEmpty()) {
            return null;
        }
        return new ObjectReference(emptyToNull(request.invokerKind()), emptyToNull(request.invokerName()));
    }

    private static TargetRef target(TargetRef fromFlags, TargetRef fromOutput) {
        boolean flagsNameOne = fromFlags != null && (fromFlags.kind() != null || fromFlags.name() != null);
        return flagsNameOne ? fromFlags : fromOutput;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
