package io.stashflow.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard queries Stash's new metric family names and offers the cluster/namespace/invoker filters. */
class DashboardTest {

    private static final Pattern FAMILY = Pattern.compile("\\bstash_[a-z_]+");

    @Test
    void queriesUseTheNewFamilyNamesAndTheFilterVariables() throws IOException {
        Path file = Path.of("").toAbsolutePath().resolve("grafana/stashflow-dashboard.json");
        if (!Files.exists(file)) {
            file = Path.of("").toAbsolutePath().resolve("deploy/grafana/stashflow-dashboard.json");
        }
        JsonNode dashboard = new ObjectMapper().readTree(file.toFile());

        List<String> variables = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertTrue(variables.containsAll(List.of("cluster", "namespace", "invoker_name")), variables.toString());

        List<String> exprs = new ArrayList<>();
        dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
        assertFalse(exprs.isEmpty());
        Set<String> families = new TreeSet<>();
        for (String expr : exprs) {
            assertTrue(expr.contains("namespace=~\"$namespace\"") && expr.contains("cluster=~\"$cluster\""),
                    "every query filters by namespace and cluster: " + expr);
            Matcher m = FAMILY.matcher(expr);
            while (m.find()) {
                families.add(m.group());
            }
        }
        // the legacy stash_* names carry the same data; querying both would double every series
        assertEquals(Set.of(), families.stream().filter(f -> !f.startsWith("stash_appscode_com_"))
                .collect(Collectors.toSet()), "legacy family names in the dashboard");
        assertTrue(exprs.stream().anyMatch(e -> e.startsWith("time() - ")
                && e.contains("stash_appscode_com_backupsession_last_success_time_seconds")), "time since last success");
        assertTrue(families.containsAll(List.of("stash_appscode_com_backupsession_success",
                "stash_appscode_com_backupsession_duration_seconds", "stash_appscode_com_backupsession_host_data_size_bytes",
                "stash_appscode_com_backupsession_host_data_uploaded_bytes", "stash_appscode_com_repository_integrity",
                "stash_appscode_com_repository_size_bytes", "stash_appscode_com_repository_snapshot_count")), families.toString());
    }
}
