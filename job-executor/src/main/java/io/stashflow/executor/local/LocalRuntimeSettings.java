package io.stashflow.executor.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the local runtime.
 *
 * @param workDir     root of everything the runtime writes: {@code runs/<namespace>/<pod>/} per run and
 *                    {@code claims/<namespace>/<claim>/} for PersistentVolumeClaims
 * @param entrypoints what runs for a container without {@code command}
 * @param secrets     where Secret values come from
 * @param killGrace   how long a stopped step gets between SIGTERM and SIGKILL (a pod's termination grace period)
 * @param tools       the host's {@code nice}/{@code ionice}
 */
public record LocalRuntimeSettings(Path workDir, EntrypointMap entrypoints, SecretSource secrets, Duration killGrace,
                                   LocalStepPreparer.Tools tools) {

    public LocalRuntimeSettings {
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(entrypoints, "entrypoints");
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(killGrace, "killGrace");
        Objects.requireNonNull(tools, "tools");
    }

    public Path runsDir() {
        return workDir.resolve("runs");
    }

    public Path claimsDir() {
        return workDir.resolve("claims");
    }
}
