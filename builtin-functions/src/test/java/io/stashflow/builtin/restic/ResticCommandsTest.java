package io.stashflow.builtin.restic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResticCommandsTest {

    private final ResticCommands commands = new ResticCommands(List.of("--no-cache"));

    @Test
    void backupPutsEachExcludeAndEachDriverArgumentIntoItsOwnElement() {
        assertEquals(List.of("backup", "/stash-data", "--quiet", "--json", "--host", "host-0", "--exclude", "*.tmp",
                        "--exclude", "cache dir", "--tag", "nightly", "--no-cache"),
                commands.backup("/stash-data", "host-0", List.of("*.tmp", "cache dir"), List.of("--tag", "nightly"), false));
        assertEquals(List.of("backup", "/d", "--quiet", "--json", "--host", "h", "--cleanup-cache", "--no-cache"),
                commands.backup("/d", "h", List.of(), List.of(), true));
    }

    @Test
    void forgetHasOnlyThePolicyValuesThatAreSet() {
        Retention retention = new Retention(3, 0, 7, 0, 0, 1, List.of("keep", "gold"), true, true);
        assertEquals(List.of("forget", "--quiet", "--json", "--keep-last", "3", "--keep-daily", "7", "--keep-yearly", "1",
                "--keep-tag", "keep", "--keep-tag", "gold", "--prune", "--dry-run", "--no-cache"), commands.forget(retention));
    }

    @Test
    void restoreOfLatestNamesPathAndHostAndTheTargetDirectory() {
        assertEquals(List.of("restore", "latest", "--path", "/stash-data", "--host", "host-0", "--target", "/restore",
                        "--include", "/stash-data/a", "--exclude", "*.log", "--no-cache"),
                commands.restore("latest", "/stash-data", "host-0", Path.of("/restore"), List.of("/stash-data/a"),
                        List.of("*.log"), List.of()));
        assertEquals(List.of("restore", "1a2b3c4d", "--target", "/", "--no-cache"),
                commands.restore("1a2b3c4d", null, null, Path.of("/"), List.of(), List.of(), List.of()));
    }

    @Test
    void findSnapshotsFiltersLatestByHostAndPathOrListsAHostsSnapshots() {
        assertEquals(List.of("snapshots", "--json", "--quiet", "--no-lock", "--host", "host-0", "--path", "/stash-data",
                "latest", "--no-cache"), commands.findSnapshots("latest", "host-0", "/stash-data"));
        assertEquals(List.of("snapshots", "--json", "--quiet", "--no-lock", "1a2b3c4d", "--no-cache"),
                commands.findSnapshots("1a2b3c4d", null, ""));
        assertEquals(List.of("snapshots", "--json", "--quiet", "--no-lock", "--host", "host-0", "--no-cache"),
                commands.findSnapshots(null, "host-0", null));
    }

    @Test
    void checkAndStatsAndSnapshotsUseStashsFlags() {
        assertEquals(List.of("check", "--no-lock", "--no-cache"), commands.check());
        assertEquals(List.of("stats", "--json", "--quiet", "--mode", "raw-data", "--no-cache"), commands.stats());
        assertEquals(List.of("snapshots", "--json", "--quiet", "--no-lock", "--no-cache"), commands.snapshots());
        assertEquals(List.of("init", "--no-cache"), commands.init());
    }
}
