package io.stashflow.planner.service;

import io.stashflow.service.config.ConfigReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The configuration the service-level tests start a planner with: cluster c1, 3 partitions, HTTP on a free port. */
final class PlannerTestConfigs {

    private PlannerTestConfigs() {
    }

    /**
     * @param prefix      topic prefix; the application id is {@code <prefix>-planner}
     * @param dir         the test's directory: the state goes to {@code dir/state}
     * @param definitions the definitions directory
     * @param more        further flags, overriding these
     */
    static PlannerConfig planner(String bootstrapServers, String prefix, Path dir, Path definitions,
                                 Map<String, String> more) {
        Map<String, String> flags = new HashMap<>();
        flags.put("bootstrap-servers", bootstrapServers);
        flags.put("topic-prefix", prefix);
        flags.put("application-id", prefix + "-planner");
        flags.put("state-dir", dir.resolve("state").toString());
        flags.put("clusters", "c1");
        flags.put("definitions-dir", definitions.toString());
        flags.put("http-host", "127.0.0.1");
        flags.put("http-port", "0");
        flags.put("partitions", "3");
        flags.putAll(more);
        return PlannerConfig.read(ConfigReader.of("planner", flags, Map.of(), Optional.empty()), false);
    }
}
