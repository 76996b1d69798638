package io.stashflow.executor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.service.config.ConfigException;
import io.stashflow.service.config.ConfigReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings are validated all at once, with errors that say where and how to fix them. */
class ExecutorConfigTest {

    @TempDir
    Path dir;

    private static ExecutorConfig read(Map<String, String> flags, Map<String, String> env, ExecutorConfig.Mode mode) {
        return ExecutorConfig.read(ConfigReader.of("executor", flags, env, Optional.empty()), mode, env);
    }

    @Test
    void flagsWinOverTheEnvironmentAndDefaultsFillTheRest() {
        ExecutorConfig c = read(Map.of("bootstrap-servers", "k:9092", "cluster-id", "prod-1", "max-jobs-per-repository", "2"),
                Map.of("STASHFLOW_CLUSTER_ID", "ignored", "STASHFLOW_IMAGE_PULL_TIMEOUT", "90s",
                        "STASHFLOW_POD_CREATE_QPS", "5"), ExecutorConfig.Mode.EXECUTOR);
        assertEquals("prod-1", c.cluster());
        assertEquals("stash.jobs.prod-1", c.topics().jobs(c.cluster()));
        assertEquals(2, c.limits().perRepository());
        assertEquals(5.0, c.limits().podsPerSecond());
        assertEquals(Duration.ofSeconds(90), c.thresholds().imagePull());
        assertEquals(Duration.ofMinutes(10), c.thresholds().unschedulable());
        assertEquals("kubernetes", c.runtime());
        assertEquals("stashflow-executor-prod-1", c.groupId());
        assertTrue(!c.mirror());
    }

    @Test
    void theAgentMirrorsAndTheLocalRuntimeMapsEntrypoints() {
        assertTrue(read(Map.of("bootstrap-servers", "k:9092", "cluster-id", "c"), Map.of(), ExecutorConfig.Mode.AGENT)
                .mirror());
        ExecutorConfig local = read(Map.of("bootstrap-servers", "k:9092", "cluster-id", "laptop", "runtime", "local",
                "work-dir", dir.resolve("w").toString(), "local-entrypoints",
                "stashed/stash-postgres=/usr/bin/pg-tool backup; other/img:1=/bin/x"), Map.of(),
                ExecutorConfig.Mode.EXECUTOR);
        assertEquals(List.of("/usr/bin/pg-tool", "backup"), local.entrypoints().get("stashed/stash-postgres"));
        assertEquals(List.of("/bin/x"), local.entrypoints().get("other/img:1"));
    }

    @Test
    void everyProblemIsReportedAtOnceNamingTheSetting() {
        ConfigException e = assertThrows(ConfigException.class, () -> read(Map.of("cluster-id", "bad/id",
                "runtime", "docker", "pod-create-burst", "0", "check-interval", "soon",
                "local-entrypoints", "broken"), Map.of(), ExecutorConfig.Mode.EXECUTOR));
        String message = e.getMessage();
        for (String setting : List.of("bootstrap-servers", "cluster-id", "runtime", "pod-create-burst", "check-interval",
                "local-entrypoints", "STASHFLOW_BOOTSTRAP_SERVERS")) {
            assertTrue(message.contains(setting), setting + " missing from: " + message);
        }
    }

    @Test
    void theAgentRefusesTheLocalRuntime() {
        ConfigException e = assertThrows(ConfigException.class, () -> read(Map.of("bootstrap-servers", "k:9092",
                "cluster-id", "c", "runtime", "local"), Map.of(), ExecutorConfig.Mode.AGENT));
        assertTrue(e.getMessage().contains("stashflow executor --runtime local"), e.getMessage());
    }
}
