package io.stashflow.builtin.restic;

import io.stashflow.builtin.secrets.RepositoryCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Starts restic as a child process with an exec array (no shell), the given environment added to the inherited
 * one, and stdout and stderr captured separately.
 *
 * <p>Credential variables inherited from this process are removed first, so restic sees exactly the credentials
 * the caller planned (for example the ones read from {@code --secret-dir}), not a mix.
 */
public final class ProcessResticRunner implements ResticRunner {

    /** Environment variable naming the restic executable; {@code restic} (found on PATH) when unset. */
    public static final String EXECUTABLE_VARIABLE = "STASHFLOW_RESTIC";

    private final String executable;

    public ProcessResticRunner(String executable) {
        this.executable = executable;
    }

    /** A runner for {@code $STASHFLOW_RESTIC}, else {@code restic} from PATH. */
    public static ProcessResticRunner fromEnvironment(Map<String, String> environment) {
        String configured = environment.get(EXECUTABLE_VARIABLE);
        return new ProcessResticRunner(configured == null || configured.isBlank() ? "restic" : configured);
    }

    @Override
    public ProcessResult run(List<String> args, Map<String, String> environment)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(args.size() + 1);
        command.add(executable);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        RepositoryCredentials.KEYS.forEach(env::remove);
        // restic prefers these over the planned RESTIC_REPOSITORY/RESTIC_PASSWORD or refuses the mix
        for (String inherited : List.of("RESTIC_REPOSITORY", "RESTIC_REPOSITORY_FILE", "RESTIC_PASSWORD_FILE",
                "RESTIC_PASSWORD_COMMAND")) {
            env.remove(inherited);
        }
        env.putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("cannot start restic ('" + executable + "'): " + e.getMessage()
                    + "; install restic 0.14 or newer (Debian package restic) or set " + EXECUTABLE_VARIABLE, e);
        }
        process.getOutputStream().close();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        try {
            String stdout = readAll(process.getInputStream());
            int exitCode = process.waitFor();
            return new ProcessResult(exitCode, stdout, stderr.get());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            throw e;
        } catch (ExecutionException e) {
            throw new IOException("cannot read restic's error output: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static String readAll(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
