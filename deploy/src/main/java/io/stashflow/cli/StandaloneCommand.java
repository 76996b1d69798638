package io.stashflow.cli;

import io.stashflow.standalone.StandaloneStack;
import io.stashflow.standalone.StandaloneStack.Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stashflow standalone}: the whole system in one JVM until Ctrl-C (see {@link StandaloneStack}).
 */
@Command(
        name = "standalone",
        mixinStandardHelpOptions = true,
        description = {
            "Run Stashflow on one machine: an embedded Kafka broker (KRaft), a Confluent-compatible schema registry"
                    + " endpoint, the function-planner, the job executor with the local runtime (steps run as host"
                    + " processes) and the status-reporter, for the cluster id 'standalone'.",
            "State lives in --data-dir; stopping (Ctrl-C) and starting again on the same directory keeps every"
                    + " session, status and schema. Definitions (Stash YAML) are read from --definitions and re-read"
                    + " when files change.",
            "",
            "Exit status: 0 after Ctrl-C, 2 for wrong options, 1 when the stack cannot start (e.g. a port is taken).",
        })
public final class StandaloneCommand implements Callable<Integer> {

    static final int BAD_OPTIONS = 2;
    static final int FAILED = 1;

    /** The options standalone and demo share. */
    static final class StackOptions {
        @Option(names = "--host", defaultValue = "127.0.0.1",
                description = "Address every endpoint binds to and Kafka advertises (default ${DEFAULT-VALUE}).")
        String host;
        @Option(names = "--kafka-port", defaultValue = "" + Settings.KAFKA_PORT,
                description = "Kafka (default ${DEFAULT-VALUE}).")
        int kafkaPort;
        @Option(names = "--controller-port", defaultValue = "" + Settings.CONTROLLER_PORT,
                description = "The embedded broker's KRaft controller (default ${DEFAULT-VALUE}).")
        int controllerPort;
        @Option(names = "--registry-port", defaultValue = "" + Settings.REGISTRY_PORT,
                description = "Schema registry endpoint (default ${DEFAULT-VALUE}).")
        int registryPort;
        @Option(names = "--status-port", defaultValue = "" + Settings.STATUS_PORT,
                description = "Status API and Stash metrics of the reporter (default ${DEFAULT-VALUE}).")
        int statusPort;
        @Option(names = "--planner-port", defaultValue = "" + Settings.PLANNER_PORT,
                description = "Planner health and metrics (default ${DEFAULT-VALUE}).")
        int plannerPort;
        @Option(names = "--executor-port", defaultValue = "" + Settings.EXECUTOR_PORT,
                description = "Executor health, metrics and queue (default ${DEFAULT-VALUE}).")
        int executorPort;
        @Option(names = "--pushgateway-url", paramLabel = "URL",
                description = "Also push Stash's metrics to this Pushgateway (sessions then end after the push).")
        String pushgatewayUrl;
        @Option(names = "--secrets-dir", paramLabel = "DIR",
                description = "Secrets of the local runtime as <namespace>/<secret>/<key> files or"
                        + " <namespace>/<secret>.env (default <data-dir>/secrets).")
        Path secretsDir;
        @Option(names = "--local-entrypoint", paramLabel = "IMAGE=PROGRAM ARG...",
                description = "What the local runtime runs for a container of IMAGE without a command (repeatable).")
        List<String> localEntrypoints = new ArrayList<>();
        @Option(names = "--stashflow-jar", paramLabel = "FILE",
                description = "The jar Stashflow's own image runs as (default: this jar).")
        Path stashflowJar;

        void validate(CommandLine commandLine) {
            for (int port : new int[] {kafkaPort, controllerPort, registryPort, statusPort, plannerPort,
                executorPort}) {
                if (port < 1 || port > 65_535) {
                    throw new CommandLine.ParameterException(commandLine, "port " + port
                            + " is not between 1 and 65535");
                }
            }
            if (stashflowJar != null && !Files.isRegularFile(stashflowJar)) {
                throw new CommandLine.ParameterException(commandLine, "--stashflow-jar " + stashflowJar
                        + " is not a file: give the path of stashflow.jar (deploy/target/stashflow.jar)");
            }
        }

        StandaloneStack.Settings settings(Path dataDir) {
            return StandaloneStack.Settings.defaults(dataDir.toAbsolutePath())
                    .withPorts(kafkaPort, controllerPort, registryPort, statusPort, plannerPort, executorPort)
                    .withPushgateway(pushgatewayUrl)
                    .withSecretsDir(secretsDir == null ? null : secretsDir.toAbsolutePath())
                    .withLocalEntrypoints(localEntrypoints)
                    .withStashflowJar(stashflowJar == null ? null : stashflowJar.toAbsolutePath())
                    .withHost(host);
        }
    }

    @CommandLine.Mixin
    StackOptions stack = new StackOptions();

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
            description = "Where Kafka, the services and the local runtime keep their state (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--definitions", paramLabel = "DIR",
            description = "Stash YAML/JSON definitions (Functions, Tasks, Repositories, BackupConfigurations, ...),"
                    + " subdirectories included (default: deploy/examples of the checkout).")
    Path definitions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        stack.validate(spec.commandLine());
        if (definitions == null) {
            try {
                definitions = io.stashflow.standalone.ExamplesSource.locate(null);
            } catch (IllegalArgumentException e) {
                err.println("no --definitions given and " + e.getMessage());
                return BAD_OPTIONS;
            }
        }
        if (!Files.isDirectory(definitions)) {
            err.println("--definitions " + definitions.toAbsolutePath() + " is not a directory: give the directory of"
                    + " your Stash YAML files (the examples are in deploy/examples of the Stashflow checkout)");
            return BAD_OPTIONS;
        }
        StandaloneStack.Settings settings = stack.settings(dataDir).withDefinitions(definitions.toAbsolutePath());
        StandaloneStack running;
        try {
            running = StandaloneStack.start(settings, line -> {
                out.println(line);
                out.flush();
            });
        } catch (IOException | RuntimeException e) {
            err.println("standalone failed to start: " + e.getMessage());
            return FAILED;
        }
        out.println("ready: trigger with './stashflow trigger NAMESPACE/BACKUPCONFIG', watch with"
                + " './stashflow status" + (settings.statusPort() == Settings.STATUS_PORT ? "" : " --url " + settings.statusUrl())
                + "'; Ctrl-C stops");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "standalone-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
