package io.stashflow.builtin.hook;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Runs an exec hook as a child process of the hook container: the exec array as given, no shell added. */
public final class LocalExec {

    public CommandResult run(List<String> command) throws HookFailure {
        if (command.isEmpty()) {
            throw new HookFailure("exec.command is empty; give the command and its arguments as a list");
        }
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new HookFailure("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
        try {
            process.getOutputStream().close();
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            String stdout = readAll(process.getInputStream());
            int exitCode = process.waitFor();
            return new CommandResult(exitCode, stdout, stderr.get());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new HookFailure("interrupted while waiting for " + command.get(0), e);
        } catch (IOException | ExecutionException | UncheckedIOException e) {
            throw new HookFailure("cannot read the output of " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    private static String readAll(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
