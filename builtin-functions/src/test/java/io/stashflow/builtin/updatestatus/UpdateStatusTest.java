package io.stashflow.builtin.updatestatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.model.HostBackupStats;
import io.stashflow.api.model.HostRestoreStats;
import io.stashflow.api.model.TargetRef;
import io.stashflow.builtin.output.StepOutputs.BackupOutput;
import io.stashflow.builtin.output.StepOutputs.BackupTargetOutput;
import io.stashflow.builtin.output.StepOutputs.RestoreOutput;
import io.stashflow.builtin.output.StepOutputs.RestoreTargetOutput;
import io.stashflow.builtin.restic.RepositoryMaintenance;
import io.stashflow.builtin.restic.ResticException;
import io.stashflow.builtin.restic.ResticOutput;
import io.stashflow.builtin.restic.Retention;
import io.stashflow.builtin.updatestatus.UpdateStatusResult.RepositoryAction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpdateStatusTest {

    private static final TargetRef TARGET = new TargetRef(null, "PersistentVolumeClaim", "data", "demo");
    private static final Retention KEEP_LAST_TWO = new Retention(2, 0, 0, 0, 0, 0, List.of(), true, false);
    private static final Retention NOTHING = new Retention(0, 0, 0, 0, 0, 0, List.of(), false, false);

    /** Records the calls and answers as scripted. */
    private static final class FakeRepository implements RepositoryMaintenance {
        final List<String> calls = new ArrayList<>();
        ResticException forgetFailure;
        ResticException checkFailure;
        ResticException statsFailure;

        @Override
        public ResticOutput.ForgetSummary forget(Retention retention) throws ResticException {
            calls.add("forget");
            if (forgetFailure != null) {
                throw forgetFailure;
            }
            return new ResticOutput.ForgetSummary(2, 3);
        }

        @Override
        public void check() throws ResticException {
            calls.add("check");
            if (checkFailure != null) {
                throw checkFailure;
            }
        }

        @Override
        public ResticOutput.RepositoryStats stats() throws ResticException {
            calls.add("stats");
            if (statsFailure != null) {
                throw statsFailure;
            }
            return new ResticOutput.RepositoryStats(12_897_485, 2);
        }
    }

    private static UpdateStatus.Request request(boolean last, Retention retention) {
        return new UpdateStatus.Request("demo", "s-1", "BackupConfiguration", "nightly", TARGET, last, retention);
    }

    private static BackupOutput hosts(String... phases) {
        List<HostBackupStats> stats = new ArrayList<>();
        for (int i = 0; i < phases.length; i++) {
            stats.add(new HostBackupStats("host-" + i, phases[i], "1s", phases[i].equals("Failed") ? "boom" : null, List.of()));
        }
        return new BackupOutput(new BackupTargetOutput(null, stats));
    }

    private static UpdateStatus.MaintenanceOpener opener(FakeRepository repository) {
        return () -> new UpdateStatus.OpenedRepository(repository, "local:/repo", () -> { });
    }

    @Test
    void allHostsSucceededOnTheLastTargetRunsForgetCheckStatsInOrder() {
        FakeRepository repository = new FakeRepository();
        UpdateStatusResult result = new UpdateStatus().backup(request(true, KEEP_LAST_TWO), hosts("Succeeded"), opener(repository));
        assertEquals(List.of("forget", "check", "stats"), repository.calls);
        var repo = result.repository();
        assertEquals(List.of(
                new RepositoryAction("forget", "ApplyRetentionPolicy", "Succeeded", "kept 2 and removed 3 snapshots"),
                new RepositoryAction("check", "VerifyRepositoryIntegrity", "Succeeded", "no errors were found"),
                new RepositoryAction("stats", "VerifyRepositoryIntegrity", "Succeeded", "12.300 MiB in 2 snapshots")),
                repo.actions());
        assertEquals(Boolean.TRUE, repo.integrity());
        assertEquals("12.300 MiB", repo.totalSize());
        assertEquals(12_897_485L, repo.totalSizeBytes());
        assertEquals(2L, repo.snapshotCount());
        assertEquals(3L, repo.snapshotsRemovedOnLastCleanup());
        assertEquals("local:/repo", repo.location());
        assertNull(repo.skippedReason());
        assertEquals(new UpdateStatusResult.HostCounts(1, 1, 0), result.hostCounts());
        assertEquals("backup", result.kind());
        assertEquals(TARGET, result.target());
        assertEquals(new UpdateStatusResult.ObjectReference("BackupConfiguration", "nightly"), result.invoker());
    }

    @Test
    void aFailedHostSkipsTheRepositoryActionsAndSaysWhy() {
        FakeRepository repository = new FakeRepository();
        UpdateStatusResult result = new UpdateStatus().backup(request(true, KEEP_LAST_TWO),
                hosts("Succeeded", "Failed"), opener(repository));
        assertEquals(List.of(), repository.calls);
        assertTrue(result.repository().skippedReason().contains("host(s) host-1 failed"), result.repository().skippedReason());
        assertEquals(List.of(), result.repository().actions());
        assertEquals(new UpdateStatusResult.HostCounts(2, 1, 1), result.hostCounts());
    }

    @Test
    void notTheLastTargetSkipsTheRepositoryActions() {
        FakeRepository repository = new FakeRepository();
        UpdateStatusResult result = new UpdateStatus().backup(request(false, KEEP_LAST_TWO), hosts("Succeeded"), opener(repository));
        assertEquals(List.of(), repository.calls);
        assertTrue(result.repository().skippedReason().contains("--post-backup-actions=false"));
    }

    @Test
    void noHostsSkipsTheRepositoryActions() {
        FakeRepository repository = new FakeRepository();
        UpdateStatusResult result = new UpdateStatus().backup(request(true, KEEP_LAST_TWO), hosts(), opener(repository));
        assertEquals(List.of(), repository.calls);
        assertTrue(result.repository().skippedReason().contains("lists no host"));
    }

    @Test
    void aFailingForgetStopsTheRemainingActions() {
        FakeRepository repository = new FakeRepository();
        repository.forgetFailure = new ResticException("restic could not apply the retention policy: locked");
        UpdateStatusResult result = new UpdateStatus().backup(request(true, KEEP_LAST_TWO), hosts("Succeeded"), opener(repository));
        assertEquals(List.of("forget"), repository.calls);
        assertEquals(List.of("Failed", "NotRun", "NotRun"),
                result.repository().actions().stream().map(RepositoryAction::outcome).toList());
        assertNull(result.repository().integrity());
        assertNull(result.repository().snapshotCount());
    }

    @Test
    void aCheckThatFindsDamageReportsIntegrityFalseAndStops() {
        FakeRepository repository = new FakeRepository();
        repository.checkFailure = new ResticException("restic could not check: Fatal: repository contains errors", true);
        UpdateStatusResult result = new UpdateStatus().backup(request(true, KEEP_LAST_TWO), hosts("Succeeded"), opener(repository));
        assertEquals(List.of("forget", "check"), repository.calls);
        assertEquals(List.of("Succeeded", "Failed", "NotRun"),
                result.repository().actions().stream().map(RepositoryAction::outcome).toList());
        assertEquals(Boolean.FALSE, result.repository().integrity());
        assertEquals(2L, result.repository().snapshotCount()); // from forget, as stats did not run
    }

    @Test
    void aCheckThatCannotReachTheRepositoryLeavesIntegrityUnknown() {
        FakeRepository repository = new FakeRepository();
        repository.checkFailure = new ResticException("restic could not check: connection refused", false);
        UpdateStatusResult result = new UpdateStatus().backup(request(true, NOTHING), hosts("Succeeded"), opener(repository));
        assertNull(result.repository().integrity());
    }

    @Test
    void aPolicyWithNothingToKeepSkipsForgetAndSaysSoThenChecks() {
        FakeRepository repository = new FakeRepository();
        UpdateStatusResult result = new UpdateStatus().backup(request(true, NOTHING), hosts("Succeeded"), opener(repository));
        assertEquals(List.of("check", "stats"), repository.calls);
        RepositoryAction forget = result.repository().actions().get(0);
        assertEquals("Skipped", forget.outcome());
        assertTrue(forget.message().contains("sets nothing to keep"), forget.message());
        assertNull(result.repository().snapshotsRemovedOnLastCleanup());
        assertEquals(2L, result.repository().snapshotCount());
    }

    @Test
    void aDryRunRemovesNothingAndSaysWhatItWouldRemove() {
        FakeRepository repository = new FakeRepository();
        Retention dryRun = new Retention(2, 0, 0, 0, 0, 0, List.of(), true, true);
        UpdateStatusResult result = new UpdateStatus().backup(request(true, dryRun), hosts("Succeeded"), opener(repository));
        assertEquals("dry run: would keep 2 and remove 3 snapshots", result.repository().actions().get(0).message());
        assertEquals(0L, result.repository().snapshotsRemovedOnLastCleanup());
        assertEquals(Boolean.TRUE, result.repository().retentionDryRun());
    }

    @Test
    void aRepositoryThatCannotBeOpenedFailsTheFirstActionThatWouldRun() {
        UpdateStatus.MaintenanceOpener failing = () -> {
            throw new ResticException("RESTIC_PASSWORD is not set: give the container the storage Secret");
        };
        UpdateStatusResult withForget = new UpdateStatus().backup(request(true, KEEP_LAST_TWO), hosts("Succeeded"), failing);
        assertEquals(List.of("forget:Failed", "check:NotRun", "stats:NotRun"), outcomes(withForget));
        UpdateStatusResult withoutForget = new UpdateStatus().backup(request(true, NOTHING), hosts("Succeeded"), failing);
        assertEquals(List.of("forget:Skipped", "check:Failed", "stats:NotRun"), outcomes(withoutForget));
        assertTrue(withoutForget.repository().actions().get(1).message().contains("RESTIC_PASSWORD is not set"));
    }

    @Test
    void aRestoreReportsItsHostsAndNoRepository() {
        RestoreOutput output = new RestoreOutput(new RestoreTargetOutput(TARGET,
                List.of(new HostRestoreStats("host-0", "Failed", null, "no snapshot found"))));
        UpdateStatusResult result = new UpdateStatus().restore(
                new UpdateStatus.Request("demo", "r-1", "RestoreSession", "r-1", new TargetRef(null, null, null, "demo"),
                        true, NOTHING), output);
        assertEquals("restore", result.kind());
        assertNull(result.repository());
        assertEquals(TARGET, result.target()); // the flags named no target, output.json did
        assertEquals("no snapshot found", result.hosts().get(0).error());
        assertEquals(new UpdateStatusResult.HostCounts(1, 0, 1), result.hostCounts());
    }

    private static List<String> outcomes(UpdateStatusResult result) {
        return result.repository().actions().stream().map(a -> a.action() + ":" + a.outcome()).toList();
    }
}
