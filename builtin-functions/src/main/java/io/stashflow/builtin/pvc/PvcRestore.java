package io.stashflow.builtin.pvc;

import io.stashflow.api.model.HostRestoreStats;
import io.stashflow.api.model.TargetRef;
import io.stashflow.builtin.output.HumanUnits;
import io.stashflow.builtin.output.StepOutputs.RestoreOutput;
import io.stashflow.builtin.output.StepOutputs.RestoreTargetOutput;
import io.stashflow.builtin.restic.ResticException;
import io.stashflow.builtin.restic.ResticRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores snapshots into a PVC and describes the result in Stash's RestoreOutput. Which snapshots, as in Stash
 * ({@code pkg/restic/restore.go}): the listed snapshots when there are any (host and paths then do not matter);
 * otherwise, per restore path, the latest snapshot of the source host that includes the path; with neither, the
 * latest snapshot of the source host. Never fails: an error becomes one host stat {@code {hostname, Failed, error}}.
 */
public final class PvcRestore {

    private static final Logger LOG = LoggerFactory.getLogger(PvcRestore.class);

    /**
     * @param hostname this restore's host (the host stat's name)
     * @param sourceHostname the host whose snapshots are restored; empty means {@code hostname}
     * @param target the directory the snapshot paths are recreated under; {@code /} puts them back in place
     */
    public record Request(TargetRef ref, String hostname, String sourceHostname, List<String> snapshots,
            List<String> restorePaths, List<String> includes, List<String> excludes, List<String> driverArgs,
            Path target) {
        public Request {
            snapshots = List.copyOf(snapshots);
            restorePaths = List.copyOf(restorePaths);
            includes = List.copyOf(includes);
            excludes = List.copyOf(excludes);
            driverArgs = List.copyOf(driverArgs);
            Objects.requireNonNull(target, "target");
        }

        String effectiveSourceHost() {
            return sourceHostname == null || sourceHostname.isBlank() ? hostname : sourceHostname;
        }
    }

    private final Clock clock;

    public PvcRestore(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
    }

    public RestoreOutput run(Request request, PvcBackup.RepositoryOpener opener) {
        Instant start = clock.instant();
        HostRestoreStats host;
        try (ResticRepository repository = opener.open()) {
            restore(request, repository);
            host = new HostRestoreStats(request.hostname(), "Succeeded",
                    HumanUnits.goDuration(Duration.between(start, clock.instant())), null);
        } catch (ResticException | RuntimeException e) {
            String error = describe(e);
            LOG.error("restore of host {} failed: {}", request.hostname(), error);
            host = new HostRestoreStats(request.hostname(), "Failed", null, error);
        }
        return new RestoreOutput(new RestoreTargetOutput(request.ref(), List.of(host)));
    }

    private static void restore(Request request, ResticRepository repository) throws ResticException {
        if (!request.snapshots().isEmpty()) {
            for (String snapshot : request.snapshots()) {
                LOG.info("restoring snapshot {} under {}", snapshot, request.target());
                repository.restore(snapshot, null, null, request.target(), request.includes(), request.excludes(),
                        request.driverArgs());
            }
            return;
        }
        String sourceHost = request.effectiveSourceHost();
        if (request.restorePaths().isEmpty()) {
            LOG.info("restoring the latest snapshot of host {} under {}", sourceHost, request.target());
            repository.restore("latest", null, sourceHost, request.target(), request.includes(), request.excludes(),
                    request.driverArgs());
            return;
        }
        for (String path : request.restorePaths()) {
            LOG.info("restoring {} from the latest snapshot of host {} under {}", path, sourceHost, request.target());
            repository.restore("latest", path, sourceHost, request.target(), request.includes(), request.excludes(),
                    request.driverArgs());
        }
    }

    private static String describe(Exception e) {
        return PvcBackup.describe(e);
    }
}
