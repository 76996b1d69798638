package io.stashflow.executor.runtime;

import io.stashflow.events.HostStats;
import io.stashflow.events.RepositoryResult;
import java.util.List;

/**
 * What a step reported about its work: Stash's {@code output.json} host stats, and for {@code update-status} the
 * repository result. Empty when the step wrote nothing parseable.
 *
 * @param truncated the source said it was shortened to fit a termination message (a fuller copy may exist)
 */
public record StepOutput(List<HostStats> hostStats, RepositoryResult repositoryResult, boolean truncated) {

    public static final StepOutput NONE = new StepOutput(List.of(), null, false);

    public StepOutput {
        hostStats = List.copyOf(hostStats);
    }

    public StepOutput(List<HostStats> hostStats, RepositoryResult repositoryResult) {
        this(hostStats, repositoryResult, false);
    }

    public boolean isEmpty() {
        return hostStats.isEmpty() && repositoryResult == null;
    }

    /** This output, or the other one where this has nothing. */
    public StepOutput orElse(StepOutput other) {
        return new StepOutput(hostStats.isEmpty() ? other.hostStats : hostStats,
                repositoryResult == null ? other.repositoryResult : repositoryResult, truncated && other.truncated);
    }
}
