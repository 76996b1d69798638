package io.stashflow.e2e;

import io.stashflow.standalone.DemoData;
import io.stashflow.standalone.EmbeddedKafkaBroker;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of its own for one test: {@code initdb} into a temporary directory, {@code pg_ctl start} on a
 * free loopback port with its socket in that directory, password authentication (scram-sha-256) for every
 * connection, and {@code pg_ctl stop -m immediate} plus removal of the directory on {@link #close()}.
 *
 * <p>PostgreSQL refuses to run as root. When the tests run as root (as they do on these machines and in CI), the
 * server's programs run as the {@code postgres} account that Debian's package creates, through {@code runuser}; the
 * directory is then created in the system's temporary directory (a JUnit {@code @TempDir} is closed to other users)
 * and given to that account. Clients ({@code psql} here, {@code pg_dump} and friends in the steps) run as whoever the
 * tests run as: they only connect over TCP.
 */
final class ThrowawayPostgres implements AutoCloseable {

    static final String SUPERUSER = "postgres";
    /** The account the server runs as when the tests run as root. */
    static final String SERVER_ACCOUNT = "postgres";

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;
    private final String password;
    private final List<String> runAs;
    private boolean running;

    private ThrowawayPostgres(Path bin, Path dir, int port, String password, List<String> runAs) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.password = password;
        this.runAs = runAs;
    }

    /**
     * The {@code bin} directory of the newest PostgreSQL below {@code /usr/lib/postgresql} (Debian's layout) that has
     * {@code initdb}, {@code pg_ctl} and {@code psql}; empty when there is none.
     */
    static Optional<Path> findBinaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions
                    .filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                    .sorted(Comparator.comparingDouble((Path v) -> Double.parseDouble(v.getFileName().toString()))
                            .reversed())
                    .map(v -> v.resolve("bin"))
                    .filter(b -> Stream.of("initdb", "pg_ctl", "psql").allMatch(p -> Files.isExecutable(b.resolve(p))))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether this JVM runs as root ({@code id -u} is 0). */
    static boolean runningAsRoot() throws IOException, InterruptedException {
        return "0".equals(run(List.of("id", "-u"), Map.of(), 10).trim());
    }

    /** initdb and start; the server is stopped again if it does not come up. */
    static ThrowawayPostgres start(Path bin, String password) throws IOException, InterruptedException {
        boolean root = runningAsRoot();
        List<String> runAs = List.of();
        Path dir = Files.createTempDirectory("stashflow-postgres");
        if (root) {
            if (!DemoData.onPath("runuser")) {
                throw new IllegalStateException("the tests run as root, which PostgreSQL refuses, and runuser"
                        + " (util-linux) is not on the PATH to start it as " + SERVER_ACCOUNT);
            }
            UserPrincipal account;
            try {
                account = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SERVER_ACCOUNT);
            } catch (IOException e) {
                throw new IllegalStateException("the tests run as root, which PostgreSQL refuses, and there is no"
                        + " account '" + SERVER_ACCOUNT + "' to run it as (Debian's postgresql package creates it)", e);
            }
            Files.setOwner(dir, account);
            runAs = List.of("runuser", "-u", SERVER_ACCOUNT, "--");
        }
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, password + "\n");
        if (root) {
            Files.setOwner(pwfile, Files.getOwner(dir));
        }
        ThrowawayPostgres server = new ThrowawayPostgres(bin, dir, EmbeddedKafkaBroker.freePort(), password, runAs);
        try {
            server.initdbAndStart(pwfile);
            return server;
        } catch (IOException | RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
    }

    private void initdbAndStart(Path pwfile) throws IOException, InterruptedException {
        List<String> initdb = new ArrayList<>(runAs);
        initdb.addAll(List.of(bin.resolve("initdb").toString(), "--pgdata=" + data, "--username=" + SUPERUSER,
                "--pwfile=" + pwfile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync"));
        run(initdb, Map.of(), 120);
        Files.delete(pwfile);
        List<String> start = new ArrayList<>(runAs);
        start.addAll(List.of(bin.resolve("pg_ctl").toString(), "--pgdata=" + data,
                "--log=" + dir.resolve("server.log"), "--wait", "--timeout=60",
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
        running = true;
        try {
            run(start, Map.of(), 90);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "\nserver log:\n" + log(), e);
        }
    }

    int port() {
        return port;
    }

    String password() {
        return password;
    }

    /** The server's log so far (for failure messages). */
    String log() {
        try {
            return Files.readString(dir.resolve("server.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    /**
     * Runs SQL with {@code psql} as the superuser over TCP, stopping at the first error, and returns the rows it
     * printed, one line each, unaligned and without headers.
     */
    List<String> psql(String database, String sql) throws IOException, InterruptedException {
        Path script = Files.createTempFile("stashflow-psql", ".sql");
        try {
            Files.writeString(script, sql, StandardCharsets.UTF_8);
            String out = run(List.of(bin.resolve("psql").toString(), "--no-psqlrc", "--host=127.0.0.1",
                    "--port=" + port, "--username=" + SUPERUSER, "--dbname=" + database, "--no-password",
                    "--set=ON_ERROR_STOP=1", "--tuples-only", "--no-align", "--quiet", "--file=" + script),
                    Map.of("PGPASSWORD", password, "PGCLIENTENCODING", "UTF8"), 60);
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** Stops the server at once (no checkpoint: its data is thrown away) and removes its directory. */
    @Override
    public void close() {
        try {
            if (running) {
                List<String> stop = new ArrayList<>(runAs);
                stop.addAll(List.of(bin.resolve("pg_ctl").toString(), "--pgdata=" + data, "--mode=immediate",
                        "--wait", "stop"));
                run(stop, Map.of(), 60);
                running = false;
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("could not stop the test's PostgreSQL in " + dir + ": " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!running) {
                DemoData.deleteTree(dir);
            }
        }
    }

    /**
     * Runs a program to its end with stdout and stderr in a file (a server started by it may keep inherited pipes
     * open), returning its output or throwing with it when the exit status is not 0.
     */
    static String run(List<String> command, Map<String, String> env, int timeoutSeconds)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile("stashflow-cmd", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not end within " + timeoutSeconds
                        + " s:\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue()
                        + ":\n" + text);
            }
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
