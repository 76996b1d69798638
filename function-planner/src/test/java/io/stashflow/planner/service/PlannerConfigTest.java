package io.stashflow.planner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.service.config.ConfigException;
import io.stashflow.service.config.ConfigReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerConfigTest {

    @TempDir
    Path dir;

    private PlannerConfig read(Map<String, String> flags, Map<String, String> env, boolean registryRequired) {
        Map<String, String> all = new HashMap<>(flags);
        all.putIfAbsent("state-dir", dir.resolve("state").toString());
        return PlannerConfig.read(ConfigReader.of("planner", all, env, Optional.empty()), registryRequired);
    }

    @Test
    void defaultsNeedOnlyTheBrokerAndTheRegistry() {
        PlannerConfig config = read(Map.of("bootstrap-servers", "kafka:9092",
                "schema-registry-url", "http://registry:8081/"), Map.of(), true);
        assertEquals("kafka:9092", config.bootstrapServers());
        assertEquals("http://registry:8081", config.schemaRegistryUrl().orElseThrow().toString());
        assertEquals("stash.sessions", config.topics().sessions());
        assertEquals("stashflow-planner", config.applicationId());
        assertEquals("stashflow-planner-scheduler", config.schedulerApplicationId());
        assertEquals(Set.of("standalone"), config.clusters());
        assertEquals(Duration.ofMillis(100), config.commitInterval());
        assertEquals(Duration.ofDays(7), config.retention());
        assertEquals(ZoneId.of("Z"), config.scheduleTimeZone());
        assertEquals(Duration.ZERO, config.scheduleJitter());
        assertEquals(8082, config.httpPort());
        assertTrue(config.definitionsDir().isEmpty());
    }

    @Test
    void environmentVariablesSetWhatFlagsDoNotAndFlagsWin() {
        PlannerConfig config = read(Map.of("bootstrap-servers", "flag:9092", "clusters", "prod-eu, prod-us"),
                Map.of("STASHFLOW_BOOTSTRAP_SERVERS", "env:9092", "STASHFLOW_SCHEMA_REGISTRY_URL", "http://r:8081",
                        "STASHFLOW_TOPIC_PREFIX", "acme", "STASHFLOW_SCHEDULE_JITTER", "5m",
                        "STASHFLOW_RESOLVER_IMAGE", "registry.example/stash/stashflow:1.2.3",
                        "STASHFLOW_PUSHGATEWAY_URL", "http://pgw:9091"), true);
        assertEquals("flag:9092", config.bootstrapServers());
        assertEquals(Set.of("prod-eu", "prod-us"), config.clusters());
        assertEquals("prod-eu", config.definitionsCluster());
        assertEquals("acme.jobs.prod-us", config.topics().jobs("prod-us"));
        assertEquals(Duration.ofMinutes(5), config.scheduleJitter());
        assertEquals("registry.example/stash/stashflow:1.2.3", config.resolverSettings().stashflowImage());
        assertEquals("http://pgw:9091", config.resolverSettings().pushgatewayUrl());
    }

    @Test
    void everyProblemIsReportedAtOnceNamingTheSettingAndTheFix() {
        ConfigException e = assertThrows(ConfigException.class, () -> read(Map.of(
                "clusters", "prod/eu",
                "topic-prefix", "bad prefix",
                "resolver-image", "stashflow",
                "definitions-dir", dir.resolve("missing").toString(),
                "schedule-time-zone", "Mars/Olympus",
                "commit-interval", "soon",
                "partitions", "0"), Map.of(), true));
        List<String> problems = e.problems();
        assertTrue(has(problems, "bootstrap-servers is required: set --bootstrap-servers / STASHFLOW_BOOTSTRAP_SERVERS"),
                problems::toString);
        assertTrue(has(problems, "schema-registry-url is required"), problems::toString);
        assertTrue(has(problems, "cluster id 'prod/eu' may only contain letters, digits"), problems::toString);
        assertTrue(has(problems, "topic-prefix: topic prefix 'bad prefix'"), problems::toString);
        assertTrue(has(problems, "resolver-image: Stashflow image 'stashflow' has no registry part"),
                problems::toString);
        assertTrue(has(problems, "definitions-dir " + dir.resolve("missing").toAbsolutePath() + " is not a directory"),
                problems::toString);
        assertTrue(has(problems, "schedule-time-zone 'Mars/Olympus' is not a time zone"), problems::toString);
        assertTrue(has(problems, "commit-interval is 'soon', not a duration"), problems::toString);
        assertTrue(has(problems, "partitions is 0 but must be between 1 and 10000"), problems::toString);
        assertTrue(problems.size() >= 9);
    }

    @Test
    void standaloneModeNeedsNoRegistryUrl() {
        PlannerConfig config = read(Map.of("bootstrap-servers", "127.0.0.1:9092"), Map.of(), false);
        assertTrue(config.schemaRegistryUrl().isEmpty());
    }

    private static boolean has(List<String> problems, String text) {
        return problems.stream().anyMatch(p -> p.contains(text));
    }
}
