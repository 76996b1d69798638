package io.stashflow.standalone;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** The demo's side effects on this machine: data to back up, the repository password, a Pushgateway. */
public final class DemoData {

    private DemoData() {
    }

    /** What {@link #generate} wrote. */
    public record Summary(int files, long bytes) {
    }

    /**
     * Fills {@code dir} (emptied first) with a small tree that exercises a restore: text, binary data that does not
     * compress, an empty file, nested directories and names with spaces. The content is random each run, so a stale
     * restore cannot pass the comparison.
     */
    public static Summary generate(Path dir) throws IOException {
        deleteTree(dir);
        Files.createDirectories(dir.resolve("app/config"));
        Files.createDirectories(dir.resolve("app/data/2026"));
        Files.createDirectories(dir.resolve("empty dir"));
        Random random = new SecureRandom();
        int files = 0;
        long bytes = 0;
        String text = "backed up by Stashflow at " + java.time.Instant.now() + "\n";
        bytes += write(dir.resolve("README.txt"), text.getBytes(StandardCharsets.UTF_8));
        files++;
        bytes += write(dir.resolve("app/config/settings.yaml"),
                ("replicas: 3\ntoken-id: " + HexFormat.of().formatHex(randomBytes(random, 8)) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
        files++;
        bytes += write(dir.resolve("app/data/2026/blob one.bin"), randomBytes(random, 1 << 20));
        files++;
        for (int i = 0; i < 20; i++) {
            bytes += write(dir.resolve("app/data/2026/part-" + i + ".bin"), randomBytes(random, 4096 + i * 517));
            files++;
        }
        bytes += write(dir.resolve("app/data/empty.log"), new byte[0]);
        files++;
        return new Summary(files, bytes);
    }

    private static byte[] randomBytes(Random random, int size) {
        byte[] data = new byte[size];
        random.nextBytes(data);
        return data;
    }

    private static long write(Path file, byte[] content) throws IOException {
        Files.write(file, content);
        return content.length;
    }

    /**
     * Writes a random restic password as the Secret {@code namespace/secret} (key {@code RESTIC_PASSWORD}) in the
     * local secrets layout, readable by the owner only, unless that Secret exists already (a kept data directory
     * must keep opening its repository).
     */
    public static void writeSecret(Path secretsDir, String namespace, String secret) throws IOException {
        Path dir = secretsDir.resolve(namespace).resolve(secret);
        Path key = dir.resolve("RESTIC_PASSWORD");
        if (Files.exists(key)) {
            return;
        }
        Files.createDirectories(dir);
        Files.writeString(key, HexFormat.of().formatHex(randomBytes(new SecureRandom(), 24)));
        try {
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's own permissions apply
        }
    }

    /** Whether an executable of this name is on the PATH. */
    public static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts the Debian {@code prometheus-pushgateway} on 127.0.0.1:port, waiting until it answers. It keeps what is
     * pushed in memory only: Debian's build persists to {@code /var/lib/prometheus/pushgateway.data} by default, which
     * would carry one run's metrics into the next (or into another user's gateway).
     */
    public static Process startPushgateway(int port, Path log) throws IOException {
        Process process = new ProcessBuilder(List.of("prometheus-pushgateway",
                "--web.listen-address=127.0.0.1:" + port, "--persistence.file="))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long until = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < until) {
            try {
                http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                        + "/-/ready")).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
                return process;
            } catch (IOException e) {
                sleep();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        process.destroyForcibly();
        throw new IOException("prometheus-pushgateway did not answer on port " + port + " within 10 s; see " + log);
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
