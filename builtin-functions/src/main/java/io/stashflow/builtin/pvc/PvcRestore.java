package io.stashflow.builtin.pvc;

import io.stashflow.api.model.HostRestoreStats;
import io.stashflow.api.model.TargetRef;
import io.stashflow.builtin.output.HumanUnits;
import io.stashflow.builtin.output.StepOutputs.RestoreOutput;
import io.stashflow.builtin.output.StepOutputs.RestoreTargetOutput;
import io.stashflow.builtin.restic.ResticException;
import io.stashflow.builtin.restic.ResticOutput.Snapshot;
import io.stashflow.builtin.restic.ResticRepository;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores snapshots into a PVC and describes the result in Stash's RestoreOutput. Which snapshots, as in Stash
 * ({@code pkg/restic/restore.go}): the listed snapshots when there are any (host and paths then do not matter);
 * otherwise, per restore path, the latest snapshot of the source host that includes the path; with neither, the
 * latest snapshot of the source host. Never fails: an error becomes one host stat {@code {hostname, Failed, error}}.
 *
 * <p>Where to: in place (below {@code target}), as Stash does, unless a target mount path is given and a chosen
 * snapshot's single recorded path lies outside it; then that path's contents are restored into the target mount
 * (see builtin-functions/README.md, "Restoring into the target's mount"). On Kubernetes the restore pod mounts the
 * new PVC where the backup pod mounted the old one ({@code /stash-data}), so the recorded path is the mount path
 * and nothing changes; the local runtime maps each claim to its own host directory, so there it differs.
 */
public final class PvcRestore {

    private static final Logger LOG = LoggerFactory.getLogger(PvcRestore.class);

    /**
     * @param hostname this restore's host (the host stat's name)
     * @param sourceHostname the host whose snapshots are restored; empty means {@code hostname}
     * @param target the directory the snapshot paths are recreated under; {@code /} puts them back in place
     * @param targetMountPath where the restore target's volume is mounted ({@code TARGET_MOUNT_PATH}); empty or
     *        {@code null}: not known, every snapshot is restored in place
     */
    public record Request(TargetRef ref, String hostname, String sourceHostname, List<String> snapshots,
            List<String> restorePaths, List<String> includes, List<String> excludes, List<String> driverArgs,
            Path target, String targetMountPath) {
        public Request {
            snapshots = List.copyOf(snapshots);
            restorePaths = List.copyOf(restorePaths);
            includes = List.copyOf(includes);
            excludes = List.copyOf(excludes);
            driverArgs = List.copyOf(driverArgs);
            Objects.requireNonNull(target, "target");
            targetMountPath = targetMountPath == null ? "" : targetMountPath.strip();
        }

        String effectiveSourceHost() {
            return sourceHostname == null || sourceHostname.isBlank() ? hostname : sourceHostname;
        }

        /** The target mount path, normalised; empty when not given. */
        Optional<Path> targetMount() {
            if (targetMountPath.isEmpty()) {
                return Optional.empty();
            }
            Path mount = Path.of(targetMountPath);
            if (!mount.isAbsolute()) {
                throw new IllegalArgumentException("--target-mount-path must be an absolute path (a volume mount"
                        + " path), not " + targetMountPath);
            }
            return Optional.of(mount.normalize());
        }
    }

    /** How a restore chooses its snapshot, in Stash's terms: an ID (or {@code latest}), with a path and host. */
    private record Selector(String snapshot, String path, String host) {
        @Override
        public String toString() {
            return path == null ? (host == null ? "snapshot " + snapshot : "the latest snapshot of host " + host)
                    : path + " from the latest snapshot of host " + host;
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
        } catch (ResticException | IOException | RuntimeException e) {
            String error = describe(e);
            LOG.error("restore of host {} failed: {}", request.hostname(), error);
            host = new HostRestoreStats(request.hostname(), "Failed", null, error);
        }
        return new RestoreOutput(new RestoreTargetOutput(request.ref(), List.of(host)));
    }

    private static void restore(Request request, ResticRepository repository) throws ResticException, IOException {
        Optional<Path> mount = request.targetMount();
        if (!request.snapshots().isEmpty()) {
            for (String snapshot : request.snapshots()) {
                restore(request, repository, new Selector(snapshot, null, null), mount);
            }
            return;
        }
        String sourceHost = request.effectiveSourceHost();
        if (request.restorePaths().isEmpty()) {
            restore(request, repository, new Selector("latest", null, sourceHost), mount);
            return;
        }
        for (String path : request.restorePaths()) {
            restore(request, repository, new Selector("latest", path, sourceHost), mount);
        }
    }

    private static void restore(Request request, ResticRepository repository, Selector selector,
            Optional<Path> mount) throws ResticException, IOException {
        if (mount.isEmpty()) {
            inPlace(request, repository, selector);
            return;
        }
        Path mountPath = mount.get();
        List<Snapshot> found = repository.findSnapshots(selector.snapshot(), selector.host(), selector.path());
        if (found.size() != 1) {
            Optional<Snapshot> fallback = selector.path() != null && Path.of(selector.path()).normalize().equals(mountPath)
                    ? latestOutside(repository, selector.host(), mountPath) : Optional.empty();
            if (fallback.isPresent()) {
                Snapshot snapshot = fallback.get();
                LOG.info("no snapshot of host {} includes {}, the target mount path: restoring the latest snapshot of"
                        + " host {} with one path outside it ({} of {}) into the target mount", selector.host(),
                        selector.path(), selector.host(), snapshot.shortId(), snapshot.paths().get(0));
                relocate(request, repository, snapshot, mountPath);
            } else {
                inPlace(request, repository, selector); // restic reports that nothing matches, as in Stash
            }
            return;
        }
        Snapshot snapshot = found.get(0);
        List<String> outside = snapshot.paths().stream().filter(p -> isOutside(p, mountPath)).toList();
        if (outside.isEmpty()) {
            inPlace(request, repository, selector);
        } else if (snapshot.paths().size() == 1) {
            relocate(request, repository, snapshot, mountPath);
        } else {
            LOG.warn("snapshot {} holds {} paths {}, of which {} lie outside the target mount {}: restoring it in"
                    + " place under {} as Stash does, so those are not restored into the target volume (only a"
                    + " snapshot of exactly one path is restored into the target mount; several paths would have"
                    + " to be merged into one directory)", snapshot.shortId(), snapshot.paths().size(),
                    snapshot.paths(), outside, mountPath, request.target());
            inPlace(request, repository, selector);
        }
    }

    /** The latest snapshot of the host whose only path lies outside the mount. */
    private static Optional<Snapshot> latestOutside(ResticRepository repository, String host, Path mount)
            throws ResticException {
        return repository.findSnapshots(null, host, null).stream()
                .filter(s -> s.paths().size() == 1 && isOutside(s.paths().get(0), mount))
                .max(Comparator.comparing(Snapshot::time));
    }

    private static boolean isOutside(String recordedPath, Path mount) {
        Path path = Path.of(recordedPath);
        return path.isAbsolute() && !path.normalize().startsWith(mount);
    }

    private static void inPlace(Request request, ResticRepository repository, Selector selector)
            throws ResticException {
        LOG.info("restoring {} under {}", selector, request.target());
        repository.restore(selector.snapshot(), selector.path(), selector.host(), request.target(), request.includes(),
                request.excludes(), request.driverArgs());
    }

    /**
     * Restores the snapshot's one path's contents into the target mount: restic 0.14 restores the snapshot into a
     * staging directory inside the mount (so the files are then only renamed), include and exclude patterns naming
     * the mount path rewritten to the recorded path; then the contents are moved into the mount.
     */
    private static void relocate(Request request, ResticRepository repository, Snapshot snapshot, Path mount)
            throws ResticException, IOException {
        Path recorded = Path.of(snapshot.paths().get(0)).normalize();
        Path destination = request.target().resolve(mount.getRoot().relativize(mount).toString());
        LOG.info("snapshot {} holds {}, outside the target mount {}: restoring its contents into {}",
                snapshot.shortId(), recorded, mount, destination);
        Files.createDirectories(destination);
        Path staging = Files.createTempDirectory(destination, ".stashflow-restore-");
        try {
            repository.restore(snapshot.id(), null, null, staging, relocated(request.includes(), mount, recorded),
                    relocated(request.excludes(), mount, recorded), request.driverArgs());
            RestoredTreeMover.relocate(staging.resolve(recorded.getRoot().relativize(recorded).toString()),
                    destination, staging);
        } finally {
            try {
                RestoredTreeMover.deleteTree(staging);
            } catch (IOException e) {
                LOG.warn("cannot delete the staging directory {}: {}", staging, describe(e));
            }
        }
    }

    /** Patterns that name the mount path or a path below it, rewritten to name the recorded path instead. */
    static List<String> relocated(List<String> patterns, Path mount, Path recorded) {
        String mountText = mount.toString();
        List<String> result = new ArrayList<>();
        for (String pattern : patterns) {
            if (pattern.equals(mountText) || pattern.startsWith(mountText.endsWith("/") ? mountText : mountText + "/")) {
                String rest = pattern.substring(mountText.length());
                result.add(recorded + (rest.isEmpty() || rest.startsWith("/") ? rest : "/" + rest));
            } else {
                result.add(pattern);
            }
        }
        return List.copyOf(result);
    }

    private static String describe(Exception e) {
        if (e instanceof FileSystemException fs) {
            return "cannot put the restored files into the target mount: " + fs.getFile()
                    + (fs.getReason() == null ? " (" + fs.getClass().getSimpleName() + ")" : ": " + fs.getReason());
        }
        if (e instanceof IOException) {
            return "cannot put the restored files into the target mount: " + e;
        }
        return PvcBackup.describe(e);
    }
}
