package io.stashflow.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stashflow.builtin.pvc.BackupPvcCommand;
import io.stashflow.builtin.pvc.RestorePvcCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * restore-pvc with {@code --target-mount-path} against a real restic 0.14, laid out as the local runtime lays out
 * claims ({@code <work>/claims/<namespace>/<claim>/}): a snapshot of the source claim's directory is restored into
 * the target claim's directory, while a snapshot recorded at (or below) the mount path is restored in place, as
 * Stash does on Kubernetes.
 */
class RestoreIntoTargetMountTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path work;

    private final String password = "pw-" + UUID.randomUUID();

    @BeforeAll
    static void resticIsInstalled() {
        Restic.requireInstalled();
    }

    private Path repository() {
        return work.resolve("repo");
    }

    private Path claim(String name) {
        return work.resolve("claims/demo").resolve(name);
    }

    private List<String> repositoryArgs() {
        return List.of("--provider=local", "--bucket=" + repository(), "--path=", "--scratch-dir=" + work.resolve("tmp"),
                "--namespace=demo", "--target-kind=PersistentVolumeClaim", "--target-name=restored-data",
                "--target-namespace=demo");
    }

    private void backup(Path data, String host) throws IOException {
        List<String> args = new ArrayList<>(repositoryArgs());
        args.addAll(List.of("--backupsession=s-" + UUID.randomUUID(), "--paths=" + data, "--hostname=" + host,
                "--output-dir=" + work.resolve("backup-output")));
        assertEquals(0, new CommandLine(new BackupPvcCommand(Map.of("RESTIC_PASSWORD", password), Restic.runner(),
                Clock.systemUTC())).execute(args.toArray(String[]::new)));
        JsonNode host0 = MAPPER.readTree(work.resolve("backup-output/output.json").toFile()).at("/targetStatus/stats/0");
        assertEquals("Succeeded", host0.get("phase").asText(), host0.toString());
    }

    /** Runs restore-pvc with the given flags; returns the host stat of its output.json. */
    private JsonNode restore(String... flags) throws IOException {
        List<String> args = new ArrayList<>(repositoryArgs());
        args.addAll(List.of("--restoresession=r-1", "--hostname=host-0", "--output-dir=" + work.resolve("restore-output")));
        args.addAll(List.of(flags));
        assertEquals(0, new CommandLine(new RestorePvcCommand(Map.of("RESTIC_PASSWORD", password), Restic.runner(),
                Clock.systemUTC())).execute(args.toArray(String[]::new)));
        return MAPPER.readTree(work.resolve("restore-output/output.json").toFile()).at("/targetStatus/stats/0");
    }

    private static void assertSucceeded(JsonNode host) {
        assertEquals("Succeeded", host.get("phase").asText(), host.toString());
    }

    /** Nested directories, an empty directory and file, a binary file, a symbolic link, several permissions. */
    private static Path createTree(Path data) throws IOException {
        Files.createDirectories(data.resolve("nested/deeper"));
        Files.createDirectories(data.resolve("empty-dir"));
        Files.writeString(data.resolve("hello.txt"), "hello, restic\n");
        Files.writeString(data.resolve("file with spaces.txt"), "spaces are fine\n");
        byte[] binary = new byte[300_000];
        new Random(7).nextBytes(binary);
        Files.write(data.resolve("nested/deeper/random.bin"), binary);
        Files.createFile(data.resolve("nested/empty"));
        Files.writeString(data.resolve("secret.txt"), "only for the owner\n");
        Files.setPosixFilePermissions(data.resolve("secret.txt"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(data.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(data.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(data.resolve("link-to-hello"), Path.of("hello.txt"));
        Files.createSymbolicLink(data.resolve("nested/dangling"), Path.of("../does-not-exist"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-x---"));
        return data;
    }

    /**
     * Every entry below {@code root} (and {@code root} itself as {@code .}): its type and permissions, and a
     * file's bytes or a link's target.
     */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.toList()) {
                String name = root.equals(path) ? "." : root.relativize(path).toString();
                String description;
                if (Files.isSymbolicLink(path)) {
                    description = "link -> " + Files.readSymbolicLink(path);
                } else {
                    String permissions = PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
                    description = Files.isDirectory(path) ? "dir " + permissions
                            : "file " + permissions + " " + java.util.HexFormat.of().formatHex(
                                    java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path)));
                }
                entries.put(name, description);
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        return entries;
    }

    /**
     * Deletes the symbolic links below {@code root}: restic 0.14 cannot restore a link in place over an existing one
     * ({@code Symlink: ... file exists}, exit 1), so the in-place cases restore them into a tree without them.
     */
    private static void deleteLinks(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path link : walk.filter(Files::isSymbolicLink).toList()) {
                Files.delete(link);
            }
        }
    }

    private static void assertBytesEqual(Path expected, Path actual) throws IOException {
        assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(actual), actual.toString());
    }

    @Test
    void aSnapshotOfAnotherClaimIsRestoredIntoTheTargetMountAndTheSourceIsLeftAlone() throws Exception {
        Path source = createTree(claim("source-data"));
        backup(source, "host-0");
        Map<String, String> backedUp = tree(source);
        // the source changes after the backup: a restore in place would undo these changes
        Files.writeString(source.resolve("hello.txt"), "changed after the backup\n");
        Files.delete(source.resolve("nested/empty"));
        Files.writeString(source.resolve("new.txt"), "new after the backup\n");
        Map<String, String> sourceNow = tree(source);
        Path target = Files.createDirectories(claim("restored-data"));

        try (LogCapture logs = LogCapture.attach()) {
            JsonNode host = restore("--source-hostname=host-0", "--restore-paths=", "--snapshots=", "--include=",
                    "--exclude=", "--target-mount-path=" + target);
            assertSucceeded(host);
            assertTrue(logs.lines().stream().anyMatch(l -> l.contains("outside the target mount " + target)),
                    String.join("\n", logs.lines()));
        }

        assertEquals(backedUp, tree(target), "the target claim holds exactly what was backed up");
        assertBytesEqual(source.resolve("nested/deeper/random.bin"), target.resolve("nested/deeper/random.bin"));
        assertEquals(sourceNow, tree(source), "the source claim is untouched");
        assertEquals(Path.of("hello.txt"), Files.readSymbolicLink(target.resolve("link-to-hello")));
    }

    @Test
    void aSnapshotRecordedAtOrBelowTheTargetMountIsRestoredInPlace() throws Exception {
        Path data = createTree(claim("data"));
        backup(data, "host-0");
        Map<String, String> backedUp = tree(data);
        backup(data.resolve("nested"), "host-0");
        Files.writeString(data.resolve("hello.txt"), "changed after the backup\n");
        Files.delete(data.resolve("nested/deeper/random.bin"));
        deleteLinks(data);
        assertNotEquals(backedUp, tree(data));

        try (LogCapture logs = LogCapture.attach()) {
            // Kubernetes' shape: the rule path, the recorded path and the mount path are all /stash-data
            assertSucceeded(restore("--restore-paths=" + data, "--target-mount-path=" + data));
            assertEquals(backedUp, tree(data));

            // a snapshot of a directory below the mount lands where it was, inside the mount
            Files.delete(data.resolve("nested/deeper/random.bin"));
            deleteLinks(data.resolve("nested"));
            assertSucceeded(restore("--restore-paths=" + data.resolve("nested"), "--target-mount-path=" + data));
            assertEquals(backedUp, tree(data));
            assertFalse(logs.lines().stream().anyMatch(l -> l.contains("outside the target mount")),
                    String.join("\n", logs.lines()));
        }
    }

    @Test
    void aSnapshotOfSeveralPathsIsRestoredInPlaceWithAWarning() throws Exception {
        Path one = createTree(claim("one"));
        Path two = Files.createDirectories(claim("two"));
        Files.writeString(two.resolve("two.txt"), "two\n");
        backup(one, "host-0"); // creates the repository
        String snapshot = Restic.backup(repository(), password, "host-0", one, two);
        Map<String, String> oneBackedUp = tree(one);
        Files.writeString(one.resolve("hello.txt"), "changed after the backup\n");
        Files.delete(two.resolve("two.txt"));
        deleteLinks(one);
        Path target = Files.createDirectories(claim("restored-data"));
        Map<String, String> targetBefore = tree(target);

        try (LogCapture logs = LogCapture.attach()) {
            assertSucceeded(restore("--snapshots=" + snapshot.substring(0, 8), "--target-mount-path=" + target));
            String warning = logs.lines().stream().filter(l -> l.startsWith("WARN")).findFirst().orElseThrow(
                    () -> new AssertionError("no warning in " + logs.lines()));
            assertTrue(warning.contains("holds 2 paths") && warning.contains(one.toString())
                    && warning.contains(two.toString()) && warning.contains("exactly one path"), warning);
        }
        assertEquals(oneBackedUp, tree(one), "restored in place");
        assertEquals("two\n", Files.readString(two.resolve("two.txt")));
        assertEquals(targetBefore, tree(target), "nothing goes into the target mount");
    }

    @Test
    void aRestorePathNamingTheTargetMountRestoresTheHostsLatestSinglePathSnapshotIntoIt() throws Exception {
        // locally the rule path /stash-data is rewritten to the target claim's directory, which no snapshot records
        Path source = createTree(claim("source-data"));
        Path other = Files.createDirectories(claim("other"));
        Files.writeString(other.resolve("other.txt"), "other\n");
        backup(source, "host-0");
        Files.writeString(source.resolve("hello.txt"), "second backup\n");
        backup(source, "host-0");
        Map<String, String> latest = tree(source);
        Files.writeString(source.resolve("hello.txt"), "third state, only in later snapshots\n");
        Restic.backup(repository(), password, "host-0", source, other); // later, but two paths
        backup(other, "host-1"); // later, but another host
        Path target = Files.createDirectories(claim("restored-data"));

        try (LogCapture logs = LogCapture.attach()) {
            assertSucceeded(restore("--source-hostname=host-0", "--restore-paths=" + target,
                    "--target-mount-path=" + target));
            assertTrue(logs.lines().stream().anyMatch(l -> l.contains("no snapshot of host host-0 includes " + target)),
                    String.join("\n", logs.lines()));
        }
        assertEquals(latest, tree(target));
    }

    @Test
    void includeAndExcludePatternsMayNameTheTargetMount() throws Exception {
        Path source = createTree(claim("source-data"));
        backup(source, "host-0");
        Path included = Files.createDirectories(claim("included"));
        Path excluded = Files.createDirectories(claim("excluded"));

        assertSucceeded(restore("--include=" + included.resolve("nested/deeper"), "--target-mount-path=" + included));
        assertEquals(List.of("nested", "nested/deeper", "nested/deeper/random.bin"),
                tree(included).keySet().stream().filter(e -> !e.equals(".")).toList());
        assertBytesEqual(source.resolve("nested/deeper/random.bin"), included.resolve("nested/deeper/random.bin"));

        // patterns as recorded in the snapshot keep working too
        assertSucceeded(restore("--exclude=" + excluded.resolve("nested") + "," + source.resolve("secret.txt"),
                "--target-mount-path=" + excluded));
        Map<String, String> expected = new TreeMap<>(tree(source));
        expected.keySet().removeIf(e -> e.startsWith("nested") || e.equals("secret.txt"));
        assertEquals(expected, tree(excluded));
    }

    @Test
    void existingFilesInTheTargetMountAreReplacedAndOthersKept() throws Exception {
        Path source = createTree(claim("source-data"));
        backup(source, "host-0");
        Path target = Files.createDirectories(claim("restored-data"));
        Files.createDirectories(target.resolve("nested"));
        Files.writeString(target.resolve("nested/kept.txt"), "kept\n");
        Files.writeString(target.resolve("kept.txt"), "kept too\n");
        Files.writeString(target.resolve("hello.txt"), "replaced by the restore\n");

        assertSucceeded(restore("--target-mount-path=" + target));
        Map<String, String> expected = new TreeMap<>(tree(source));
        Map<String, String> actual = tree(target);
        assertTrue(actual.remove("kept.txt").startsWith("file "));
        assertTrue(actual.remove("nested/kept.txt").startsWith("file "));
        assertEquals(expected, actual);
        assertEquals("kept\n", Files.readString(target.resolve("nested/kept.txt")));
    }

    @Test
    void aDirectoryWhereTheSnapshotHasAFileFailsTheRestoreAndLeavesNoStagingBehind() throws Exception {
        Path source = createTree(claim("source-data"));
        backup(source, "host-0");
        Path target = Files.createDirectories(claim("restored-data"));
        Files.createDirectories(target.resolve("hello.txt"));

        JsonNode host = restore("--target-mount-path=" + target);
        assertEquals("Failed", host.get("phase").asText());
        assertTrue(host.get("error").asText().contains(target.resolve("hello.txt") + ": the snapshot has a file where"
                + " the target has a directory"), host.get("error").asText());
        assertTrue(Files.isDirectory(target.resolve("hello.txt")), "the existing directory is left alone");
        try (Stream<Path> entries = Files.list(target)) {
            assertEquals(List.of(), entries.filter(e -> e.getFileName().toString().startsWith(".stashflow-restore-"))
                    .toList());
        }
    }

    @Test
    void aRelativeTargetMountPathFailsTheRestore() throws Exception {
        Path source = createTree(claim("source-data"));
        backup(source, "host-0");
        JsonNode host = restore("--target-mount-path=stash-data");
        assertEquals("Failed", host.get("phase").asText());
        assertTrue(host.get("error").asText().contains("--target-mount-path must be an absolute path"),
                host.get("error").asText());
    }
}
