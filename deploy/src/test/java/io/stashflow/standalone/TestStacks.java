package io.stashflow.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Standalone settings for tests: free ports, and Stashflow's own image run from the test classpath. */
public final class TestStacks {

    private TestStacks() {
    }

    /**
     * The local runtime entry for Stashflow's image: in the test phase there is no shaded jar yet, so the built-in
     * Functions run as {@code java -cp <this test classpath> io.stashflow.cli.StashflowCommand}.
     */
    public static String stashflowImageEntrypoint() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return "ghcr.io/stashflow/stashflow=" + java + " "
                + String.join(" ", io.stashflow.executor.local.EntrypointMap.STASHFLOW_JVM_OPTIONS)
                + " -cp " + System.getProperty("java.class.path") + " io.stashflow.cli.StashflowCommand";
    }

    public static StandaloneStack.Settings settings(Path dataDir) {
        try {
            return StandaloneStack.Settings.defaults(dataDir)
                    .withPorts(EmbeddedKafkaBroker.freePort(), EmbeddedKafkaBroker.freePort(),
                            EmbeddedKafkaBroker.freePort(), EmbeddedKafkaBroker.freePort(),
                            EmbeddedKafkaBroker.freePort(), EmbeddedKafkaBroker.freePort())
                    .withLocalEntrypoints(List.of(stashflowImageEntrypoint()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same as command-line options of {@code stashflow demo} / {@code standalone}. */
    public static List<String> options(StandaloneStack.Settings s) {
        List<String> args = new ArrayList<>(List.of(
                "--kafka-port", Integer.toString(s.kafkaPort()),
                "--controller-port", Integer.toString(s.controllerPort()),
                "--registry-port", Integer.toString(s.registryPort()),
                "--status-port", Integer.toString(s.statusPort()),
                "--planner-port", Integer.toString(s.plannerPort()),
                "--executor-port", Integer.toString(s.executorPort())));
        for (String entry : s.localEntrypoints()) {
            args.add("--local-entrypoint");
            args.add(entry);
        }
        return args;
    }
}
