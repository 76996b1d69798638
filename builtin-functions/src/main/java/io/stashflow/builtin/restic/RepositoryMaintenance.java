package io.stashflow.builtin.restic;

/**
 * The post-backup repository actions update-status runs, in Stash's order: forget (retention), check, stats.
 * {@link ResticRepository} implements them with restic; tests may use their own implementation.
 */
public interface RepositoryMaintenance {

    ResticOutput.ForgetSummary forget(Retention retention) throws ResticException;

    /**
     * Runs {@code restic check}.
     *
     * @throws ResticException when check fails; {@link ResticException#repositoryDamaged()} tells whether it found
     *     damage
     */
    void check() throws ResticException;

    ResticOutput.RepositoryStats stats() throws ResticException;
}
