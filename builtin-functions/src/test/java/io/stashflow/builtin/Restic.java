package io.stashflow.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stashflow.builtin.restic.ProcessResticRunner;
import io.stashflow.builtin.restic.ResticRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real restic for tests. These tests fail (never skip) when restic is missing: CI installs it with apt
 * ({@code .ci/run}), and a developer needs it too ({@code apt-get install restic}).
 */
public final class Restic {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Restic() {
    }

    public static ResticRunner runner() {
        return ProcessResticRunner.fromEnvironment(System.getenv());
    }

    /** Fails the test with a clear message when restic cannot be run. */
    public static void requireInstalled() {
        try {
            ResticRunner.ProcessResult version = runner().run(List.of("version"), Map.of());
            if (version.exitCode() != 0 || !version.stdout().startsWith("restic ")) {
                fail("'restic version' did not work (exit " + version.exitCode() + "): " + version.stderr());
            }
        } catch (IOException e) {
            fail("restic is required by these tests and is not installed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }

    /**
     * Backs up the paths into one snapshot with restic itself (not the code under test), e.g. a snapshot of several
     * paths, which backup-pvc never makes; the repository must exist.
     *
     * @return the snapshot's full ID
     */
    public static String backup(Path repository, String password, String host, Path... paths) throws Exception {
        List<String> args = new ArrayList<>(List.of("backup", "--json", "--quiet", "--no-cache", "--host", host));
        for (Path path : paths) {
            args.add(path.toString());
        }
        ResticRunner.ProcessResult result = runner().run(args,
                Map.of("RESTIC_REPOSITORY", "local:" + repository, "RESTIC_PASSWORD", password));
        assertEquals(0, result.exitCode(), result.stderr());
        String shortId = MAPPER.readTree(result.stdout().strip().lines().reduce((a, b) -> b).orElseThrow())
                .get("snapshot_id").asText();
        for (JsonNode snapshot : snapshots(repository, password)) {
            if (snapshot.get("short_id").asText().equals(shortId)) {
                return snapshot.get("id").asText();
            }
        }
        return fail("restic backup made snapshot " + shortId + ", which restic snapshots does not list");
    }

    /** The repository's snapshots as restic lists them, read independently of the code under test. */
    public static JsonNode snapshots(Path repository, String password) throws Exception {
        ResticRunner.ProcessResult result = runner().run(List.of("snapshots", "--json", "--no-cache"),
                Map.of("RESTIC_REPOSITORY", "local:" + repository, "RESTIC_PASSWORD", password));
        assertEquals(0, result.exitCode(), result.stderr());
        return MAPPER.readTree(result.stdout());
    }
}
