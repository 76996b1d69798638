package io.stashflow.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stashflow.builtin.output.HumanUnits;
import io.stashflow.builtin.pvc.BackupPvcCommand;
import io.stashflow.builtin.pvc.RestorePvcCommand;
import io.stashflow.builtin.updatestatus.UpdateStatusCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * backup-pvc, update-status and restore-pvc against a real restic 0.14 and a local repository, as the pvc-backup
 * and pvc-restore Tasks run them, with every output file asserted field by field.
 */
class ResticEndToEndTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern GO_DURATION = Pattern.compile("([0-9]+h)?([0-9]+m)?[0-9.]+(ns|\u00b5s|ms|s)");
    private static final Pattern SNAPSHOT_ID = Pattern.compile("[0-9a-f]{8}");
    private static final Pattern SIZE = Pattern.compile("[0-9]+(\\.[0-9]{3} [KMGT]iB| B)");

    @TempDir
    Path work;

    private final String password = "pw-" + UUID.randomUUID();

    @BeforeAll
    static void resticIsInstalled() {
        Restic.requireInstalled();
    }

    private Map<String, String> environment() {
        return Map.of("RESTIC_PASSWORD", password);
    }

    private int run(Object command, List<String> args) {
        return new CommandLine(command).execute(args.toArray(String[]::new));
    }

    private List<String> repositoryArgs(Path repository, Path scratch) {
        return List.of("--provider=local", "--bucket=" + repository, "--path=", "--endpoint=", "--region=",
                "--insecure-tls=false", "--max-connections=0", "--enable-cache=true", "--scratch-dir=" + scratch,
                "--storage-secret-name=repo-secret", "--storage-secret-namespace=demo", "--namespace=demo",
                "--invoker-kind=BackupConfiguration", "--invoker-name=nightly", "--target-kind=PersistentVolumeClaim",
                "--target-name=data", "--target-namespace=demo", "--hostname=host-0",
                "--metrics-enabled=true", "--metrics-pushgateway-url=http://127.0.0.1:56789");
    }

    private int backup(Path repository, Path scratch, Path outputDir, Path data, String session) {
        List<String> args = new ArrayList<>(repositoryArgs(repository, scratch));
        args.addAll(List.of("--backupsession=" + session, "--paths=" + data, "--exclude=*.skip,",
                "--args=--tag nightly", "--output-dir=" + outputDir));
        return run(new BackupPvcCommand(environment(), Restic.runner(), Clock.systemUTC()), args);
    }

    private int updateStatus(Path repository, Path scratch, Path outputDir, String session, Path termination,
            String... extra) {
        List<String> args = new ArrayList<>(repositoryArgs(repository, scratch));
        args.addAll(List.of("--backupsession=" + session, "--restoresession=", "--output-dir=" + outputDir,
                "--termination-message-path=" + termination));
        args.addAll(List.of(extra));
        return run(new UpdateStatusCommand(environment(), Restic.runner()), args);
    }

    private static JsonNode read(Path file) throws IOException {
        return MAPPER.readTree(Files.readString(file));
    }

    private static Path createTree(Path data) throws IOException {
        Files.createDirectories(data.resolve("nested/deeper"));
        Files.writeString(data.resolve("hello.txt"), "hello, restic\n");
        byte[] binary = new byte[200_000];
        new Random(42).nextBytes(binary);
        Files.write(data.resolve("nested/deeper/random.bin"), binary);
        Files.createFile(data.resolve("nested/empty"));
        Files.writeString(data.resolve("file with spaces.txt"), "spaces are fine\n");
        Files.writeString(data.resolve("ignored.skip"), "excluded by the pattern\n");
        return data;
    }

    private static long backedUpBytes(Path data) throws IOException {
        try (Stream<Path> files = Files.walk(data)) {
            return files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".skip"))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }

    @Test
    void backupTwiceForgetCheckStatsAndRestoreByteForByte() throws Exception {
        Path data = createTree(work.resolve("pvc data"));
        Path repository = work.resolve("repo");
        Path scratch = work.resolve("stash-tmp");
        Path output = work.resolve("output");
        Path termination = work.resolve("termination-log");
        List<Path> resultFiles = new ArrayList<>();

        try (LogCapture logs = LogCapture.attach()) {
            // first backup: the repository does not exist yet and is created
            assertEquals(0, backup(repository, scratch, output, data, "nightly-1"));
            JsonNode first = read(output.resolve("output.json"));
            assertEquals("PersistentVolumeClaim", first.at("/targetStatus/ref/kind").asText());
            assertEquals("data", first.at("/targetStatus/ref/name").asText());
            assertEquals("demo", first.at("/targetStatus/ref/namespace").asText());
            JsonNode host = first.at("/targetStatus/stats/0");
            assertEquals(1, first.at("/targetStatus/stats").size());
            assertEquals("host-0", host.get("hostname").asText());
            assertEquals("Succeeded", host.get("phase").asText());
            assertFalse(host.has("error"));
            assertTrue(GO_DURATION.matcher(host.get("duration").asText()).matches(), host.get("duration").asText());
            JsonNode snapshot = host.at("/snapshots/0");
            assertEquals(1, host.get("snapshots").size());
            assertTrue(SNAPSHOT_ID.matcher(snapshot.get("name").asText()).matches());
            assertEquals(data.toString(), snapshot.get("path").asText());
            assertEquals(HumanUnits.bytes(backedUpBytes(data)), snapshot.get("totalSize").asText());
            assertTrue(SIZE.matcher(snapshot.get("uploaded").asText()).matches(), snapshot.get("uploaded").asText());
            assertEquals("0:00", snapshot.get("processingTime").asText());
            assertEquals(MAPPER.readTree("{\"totalFiles\":4,\"newFiles\":4,\"modifiedFiles\":0,\"unmodifiedFiles\":0}"),
                    snapshot.get("fileStats"));
            JsonNode snapshots = Restic.snapshots(repository, password);
            assertEquals(1, snapshots.size());
            assertEquals(snapshot.get("name").asText(), snapshots.get(0).get("short_id").asText());
            assertEquals("nightly", snapshots.get(0).at("/tags/0").asText(), "driver args reach restic");
            assertEquals("host-0", snapshots.get(0).get("hostname").asText());
            resultFiles.add(output.resolve("output.json"));
            Files.copy(output.resolve("output.json"), work.resolve("first-output.json"));
            resultFiles.add(work.resolve("first-output.json"));

            // second backup after a change: one file modified, three unchanged
            Files.writeString(data.resolve("hello.txt"), "hello again, restic\n");
            assertEquals(0, backup(repository, scratch, output, data, "nightly-2"));
            JsonNode second = read(output.resolve("output.json")).at("/targetStatus/stats/0/snapshots/0");
            assertEquals(MAPPER.readTree("{\"totalFiles\":4,\"newFiles\":0,\"modifiedFiles\":1,\"unmodifiedFiles\":3}"),
                    second.get("fileStats"));
            assertEquals(HumanUnits.bytes(backedUpBytes(data)), second.get("totalSize").asText());
            assertEquals(2, Restic.snapshots(repository, password).size());

            // update-status on the last target: forget --keep-last 1 --prune, check, stats
            assertEquals(0, updateStatus(repository, scratch, output, "nightly-2", termination,
                    "--retention-keep-last=1", "--retention-keep-hourly=0", "--retention-keep-tags=",
                    "--retention-prune=true", "--retention-dry-run=false"));
            JsonNode result = read(output.resolve("update-status.json"));
            assertEquals(read(termination), result, "the termination message holds the whole (small) result");
            assertEquals(1, result.get("version").asInt());
            assertEquals("backup", result.get("kind").asText());
            assertEquals("demo", result.get("namespace").asText());
            assertEquals("nightly-2", result.get("session").asText());
            assertEquals("BackupConfiguration", result.at("/invoker/kind").asText());
            assertEquals("nightly", result.at("/invoker/name").asText());
            assertEquals("data", result.at("/target/name").asText());
            assertEquals(MAPPER.readTree("{\"total\":1,\"succeeded\":1,\"failed\":0}"), result.get("hostCounts"));
            assertEquals("Succeeded", result.at("/hosts/0/phase").asText());
            assertEquals(second.get("name"), result.at("/hosts/0/snapshots/0/name"));
            JsonNode repo = result.get("repository");
            assertEquals("local:" + repository, repo.get("location").asText());
            assertEquals(MAPPER.readTree("[{\"action\":\"forget\",\"stashAction\":\"ApplyRetentionPolicy\","
                    + "\"outcome\":\"Succeeded\",\"message\":\"kept 1 and removed 1 snapshots\"},"
                    + "{\"action\":\"check\",\"stashAction\":\"VerifyRepositoryIntegrity\",\"outcome\":\"Succeeded\","
                    + "\"message\":\"no errors were found\"}]"),
                    MAPPER.valueToTree(List.of(repo.get("actions").get(0), repo.get("actions").get(1))));
            assertEquals("stats", repo.at("/actions/2/action").asText());
            assertEquals("Succeeded", repo.at("/actions/2/outcome").asText());
            assertTrue(repo.get("integrity").asBoolean());
            assertEquals(1, repo.get("snapshotCount").asLong());
            assertEquals(1, repo.get("snapshotsRemovedOnLastCleanup").asLong());
            long size = repo.get("totalSizeBytes").asLong();
            assertTrue(size > 200_000, "the repository holds at least the random file: " + size);
            assertEquals(HumanUnits.bytes(size), repo.get("totalSize").asText());
            assertEquals(HumanUnits.bytes(size) + " in 1 snapshots", repo.at("/actions/2/message").asText());
            assertFalse(result.has("truncated"));
            JsonNode remaining = Restic.snapshots(repository, password);
            assertEquals(1, remaining.size());
            assertEquals(second.get("name").asText(), remaining.get(0).get("short_id").asText());
            resultFiles.add(output.resolve("update-status.json"));
            resultFiles.add(termination);

            // restore into an empty directory: the snapshot's absolute paths are recreated below it
            Path target = Files.createDirectories(work.resolve("restored"));
            Path restoreOutput = work.resolve("restore-output");
            List<String> restoreArgs = new ArrayList<>(repositoryArgs(repository, scratch));
            restoreArgs.addAll(List.of("--restoresession=restore-1", "--source-hostname=host-0",
                    "--restore-paths=" + data, "--include=", "--exclude=", "--snapshots=", "--target=" + target,
                    "--output-dir=" + restoreOutput));
            assertEquals(0, run(new RestorePvcCommand(environment(), Restic.runner(), Clock.systemUTC()), restoreArgs));
            JsonNode restored = read(restoreOutput.resolve("output.json"));
            assertEquals("data", restored.at("/targetStatus/ref/name").asText());
            JsonNode restoredHost = restored.at("/targetStatus/stats/0");
            assertEquals("host-0", restoredHost.get("hostname").asText());
            assertEquals("Succeeded", restoredHost.get("phase").asText());
            assertTrue(GO_DURATION.matcher(restoredHost.get("duration").asText()).matches());
            assertFalse(restoredHost.has("error"));
            assertSameTree(data, target.resolve(data.getRoot().relativize(data)));
            resultFiles.add(restoreOutput.resolve("output.json"));

            // update-status of the restore: no repository actions
            Path restoreTermination = work.resolve("restore-termination-log");
            List<String> statusArgs = new ArrayList<>(repositoryArgs(repository, scratch));
            statusArgs.addAll(List.of("--backupsession=", "--restoresession=restore-1", "--output-dir=" + restoreOutput,
                    "--termination-message-path=" + restoreTermination));
            assertEquals(0, run(new UpdateStatusCommand(environment(), Restic.runner()), statusArgs));
            JsonNode restoreResult = read(restoreTermination);
            assertEquals("restore", restoreResult.get("kind").asText());
            assertEquals("restore-1", restoreResult.get("session").asText());
            assertEquals("Succeeded", restoreResult.at("/hosts/0/phase").asText());
            assertFalse(restoreResult.has("repository"));
            resultFiles.add(restoreTermination);
            resultFiles.add(restoreOutput.resolve("update-status.json"));

            assertNoSecretIn(logs.lines(), resultFiles);
        }
    }

    @Test
    void aDamagedRepositoryFailsCheckAndStopsBeforeStats() throws Exception {
        Path data = createTree(work.resolve("data"));
        Path repository = work.resolve("repo");
        Path scratch = work.resolve("stash-tmp");
        Path output = work.resolve("output");
        Path termination = work.resolve("termination-log");
        assertEquals(0, backup(repository, scratch, output, data, "s-1"));
        assertEquals("Succeeded", read(output.resolve("output.json")).at("/targetStatus/stats/0/phase").asText());
        // delete the largest pack (file data, not a tree): check reports it without restic's long retries
        Path largestPack;
        try (Stream<Path> files = Files.walk(repository.resolve("data"))) {
            largestPack = files.filter(Files::isRegularFile).max(Comparator.comparingLong(f -> f.toFile().length())).orElseThrow();
        }
        Files.delete(largestPack);

        try (LogCapture logs = LogCapture.attach()) {
            assertEquals(0, updateStatus(repository, scratch, output, "s-1", termination, "--retention-keep-last=5"),
                    "a failed check is a result, not a failed container");
            JsonNode repo = read(termination).get("repository");
            assertEquals(List.of("forget:Succeeded", "check:Failed", "stats:NotRun"), outcomes(repo));
            assertTrue(repo.at("/actions/1/message").asText().contains("repository contains errors"),
                    repo.at("/actions/1/message").asText());
            assertTrue(repo.at("/actions/1/message").asText().contains("does not exist"));
            assertFalse(repo.get("integrity").asBoolean(true));
            assertFalse(repo.has("totalSize"));
            assertEquals(1, repo.get("snapshotCount").asLong());
            assertNoSecretIn(logs.lines(), List.of(termination, output.resolve("update-status.json")));
        }
    }

    @Test
    void backupFailuresBecomeAFailedHostAndExitZero() throws Exception {
        Path data = createTree(work.resolve("data"));
        Path repository = work.resolve("repo");
        Path scratch = work.resolve("stash-tmp");
        Path output = work.resolve("output");
        assertEquals(0, backup(repository, scratch, output, data, "s-1"));

        List<String> args = new ArrayList<>(repositoryArgs(repository, scratch));
        args.addAll(List.of("--backupsession=s-2", "--paths=" + data, "--output-dir=" + output));
        assertEquals(0, run(new BackupPvcCommand(Map.of("RESTIC_PASSWORD", "a-wrong-password"), Restic.runner(),
                Clock.systemUTC()), args));
        JsonNode host = read(output.resolve("output.json")).at("/targetStatus/stats/0");
        assertEquals("Failed", host.get("phase").asText());
        assertEquals("host-0", host.get("hostname").asText());
        assertTrue(host.get("error").asText().contains("wrong password"), host.get("error").asText());
        assertFalse(host.has("snapshots"));

        assertEquals(0, run(new BackupPvcCommand(Map.of(), Restic.runner(), Clock.systemUTC()), args));
        assertTrue(read(output.resolve("output.json")).at("/targetStatus/stats/0/error").asText()
                .startsWith("RESTIC_PASSWORD is not set"));
    }

    @Test
    void theLegacySecretDirectoryProvidesThePassword() throws Exception {
        Path data = createTree(work.resolve("data"));
        Path secretDir = Files.createDirectories(work.resolve("secret"));
        Files.writeString(secretDir.resolve("RESTIC_PASSWORD"), password);
        List<String> args = new ArrayList<>(repositoryArgs(work.resolve("repo"), work.resolve("tmp")));
        args.addAll(List.of("--backupsession=s-1", "--paths=" + data, "--output-dir=" + work.resolve("out"),
                "--secret-dir=" + secretDir));
        assertEquals(0, run(new BackupPvcCommand(Map.of("RESTIC_PASSWORD", "overridden-by-the-directory"),
                Restic.runner(), Clock.systemUTC()), args));
        assertEquals("Succeeded", read(work.resolve("out/output.json")).at("/targetStatus/stats/0/phase").asText());
        assertEquals(1, Restic.snapshots(work.resolve("repo"), password).size());
    }

    private static List<String> outcomes(JsonNode repository) {
        List<String> outcomes = new ArrayList<>();
        repository.get("actions").forEach(a -> outcomes.add(a.get("action").asText() + ":" + a.get("outcome").asText()));
        return outcomes;
    }

    private void assertNoSecretIn(List<String> logLines, List<Path> files) throws IOException {
        assertFalse(logLines.isEmpty(), "the commands log something");
        for (String line : logLines) {
            assertFalse(line.contains(password), () -> "a log line holds the password: " + line);
        }
        for (Path file : files) {
            assertTrue(Files.exists(file), file.toString());
            assertFalse(Files.readString(file).contains(password), () -> file + " holds the password");
        }
    }

    private static void assertSameTree(Path expected, Path actual) throws IOException {
        Map<String, byte[]> expectedFiles = files(expected);
        Map<String, byte[]> actualFiles = files(actual);
        assertEquals(expectedFiles.keySet().stream().filter(f -> !f.endsWith(".skip")).toList(),
                List.copyOf(actualFiles.keySet()), "same files (the excluded one is not restored)");
        for (Map.Entry<String, byte[]> file : actualFiles.entrySet()) {
            assertArrayEquals(expectedFiles.get(file.getKey()), file.getValue(), file.getKey());
        }
        assertTrue(Files.isDirectory(actual.resolve("nested/deeper")));
    }

    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), Files.readAllBytes(file));
            }
        }
        return files;
    }
}
