package io.stashflow.cli;

import ch.qos.logback.classic.Level;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.SessionStatus;
import io.stashflow.standalone.DemoData;
import io.stashflow.standalone.DirectoryComparison;
import io.stashflow.standalone.EmbeddedKafkaBroker;
import io.stashflow.standalone.ExamplesSource;
import io.stashflow.standalone.SessionWatcher;
import io.stashflow.standalone.StandaloneStack;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stashflow demo}: the main job on one machine. Starts the standalone stack, backs up a generated directory
 * into a local repository with Stash's built-in pvc-backup Task (or, without restic, the tar example), restores it
 * into another directory with the matching restore Task, compares the bytes and shows what a user would look at
 * afterwards: the session table with steps, the repository status and Stash's metric families.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run a real backup and restore on this machine through Kafka: start the standalone stack, back up a"
                    + " generated directory (PVC demo/source-data) into a local restic repository with Stash's"
                    + " pvc-backup Task, restore it into demo/restored-data with pvc-restore, compare the bytes, and"
                    + " print the sessions with their steps, the repository status and Stash's metrics.",
            "Without restic on the PATH the demo uses the tar example Functions of deploy/examples/demo-tar and"
                    + " says so. With prometheus-pushgateway on the PATH the metrics are pushed to one it starts.",
            "",
            "Exit status: 0 when the restored bytes match, 1 when a session fails or the bytes differ, 2 for wrong"
                    + " options.",
        })
public final class DemoCommand implements Callable<Integer> {

    static final int FAILED = 1;
    static final int BAD_OPTIONS = 2;

    @CommandLine.Mixin
    StandaloneCommand.StackOptions stack = new StandaloneCommand.StackOptions();

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the demo's state here (and leave it afterwards, for './stashflow standalone"
                    + " --data-dir DIR'); default: a temporary directory removed at the end.")
    Path dataDir;

    @Option(names = "--examples", paramLabel = "DIR",
            description = "The examples directory (default: deploy/examples below the working directory, else below"
                    + " $STASHFLOW_HOME, the checkout, which ./stashflow sets).")
    Path examples;

    @Option(names = "--tar", description = "Use the tar example even when restic is installed.")
    boolean forceTar;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long each session may take (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--verbose", description = "Show the services' logs (INFO) instead of errors only.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private PrintWriter out;

    /** What a Pushgateway or the reporter serve besides Stash's families. */
    private static final java.util.regex.Pattern OTHER_FAMILIES =
            java.util.regex.Pattern.compile("go_|process_|pushgateway_|push_|promhttp_|stashflow_|jvm_");

    @Override
    public Integer call() throws Exception {
        stack.validate(spec.commandLine());
        if (timeoutSeconds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be at least 1 second");
        }
        if (!verbose) {
            // the demo's own lines tell the story; the services' INFO/WARN lines would bury them
            ch.qos.logback.classic.LoggerContext logging =
                    (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
            logging.getLoggerList().forEach(logger -> {
                if (logger.getLevel() != null) {
                    logger.setLevel(Level.ERROR);
                }
            });
        }
        out = spec.commandLine().getOut();
        long started = System.nanoTime();
        boolean temporary = dataDir == null;
        Path data = temporary ? Files.createTempDirectory("stashflow-demo") : dataDir.toAbsolutePath();
        Process pushgateway = null;
        try {
            boolean restic = !forceTar && DemoData.onPath("restic");
            String set = restic ? "demo" : "demo-tar";
            String namespace = set;
            say("Stashflow demo in " + data + (temporary ? " (temporary)" : ""));
            if (!restic) {
                say(forceTar ? "using the tar example Functions (--tar)"
                        : "restic is not on the PATH: using the tar example Functions of deploy/examples/demo-tar"
                        + " instead of Stash's pvc-backup/pvc-restore (install restic for the real thing)");
            }
            Path definitions = data.resolve("definitions");
            ExamplesSource.copy(examples, set, definitions);

            StandaloneStack.Settings settings = stack.settings(data).withDefinitions(definitions);
            Optional<String> pushgatewayUrl = Optional.ofNullable(stack.pushgatewayUrl);
            if (pushgatewayUrl.isEmpty() && DemoData.onPath("prometheus-pushgateway")) {
                int port = EmbeddedKafkaBroker.freePort();
                pushgateway = DemoData.startPushgateway(port, data.resolve("pushgateway.log"));
                pushgatewayUrl = Optional.of("http://127.0.0.1:" + port);
                settings = settings.withPushgateway(pushgatewayUrl.get());
                say("started prometheus-pushgateway on " + pushgatewayUrl.get());
            }

            Path claims = settings.executorWorkDir().resolve("claims").resolve(namespace);
            Path source = claims.resolve("source-data");
            Path restored = claims.resolve("restored-data");
            DemoData.Summary generated = DemoData.generate(source);
            DemoData.deleteTree(restored);
            say("generated " + generated.files() + " files (" + generated.bytes() + " bytes) in " + source);
            if (restic) {
                DemoData.writeSecret(settings.effectiveSecretsDir(), namespace, "local-repo-secret");
            }

            say("starting the standalone stack");
            try (StandaloneStack running = StandaloneStack.start(settings, line -> say("  " + line));
                 SessionWatcher watcher = new SessionWatcher(running.bootstrapServers(), running.registry(),
                         Topics.withDefaultPrefix())) {
                long unix = Instant.now().getEpochSecond();
                String backupSession = "source-backup-" + unix;
                SessionStatus backup = run(settings, watcher, namespace, backupSession,
                        List.of(namespace + "/source-backup", "--session-name", backupSession));
                if (backup == null) {
                    return FAILED;
                }
                String restoreSession = "source-restore-" + unix;
                SessionStatus restore = run(settings, watcher, namespace, restoreSession,
                        List.of("--restore", namespace + "/source-restore", "--session-name", restoreSession));
                if (restore == null) {
                    return FAILED;
                }
                DirectoryComparison comparison = DirectoryComparison.compare(source, restored);
                say("");
                status(settings, List.of("-n", namespace));
                status(settings, List.of(namespace + "/" + backupSession));
                status(settings, List.of(namespace + "/" + restoreSession));
                if (restic) {
                    // the Repository status follows the session's update-status result through its own topic
                    awaitRepository(settings, namespace, "local-repo");
                    status(settings, List.of("--repositories", "-n", namespace));
                } else {
                    say("(no Repository status: the tar example has no update-status step, which is what reports"
                            + " a Repository's size and snapshots)");
                    say("");
                }
                metrics(settings, pushgatewayUrl);
                if (!comparison.equal()) {
                    say("FAILED: the restored data differs from the source:");
                    comparison.differences().stream().limit(20).forEach(d -> say("  " + d));
                    return FAILED;
                }
                say("restored " + comparison.files() + " files, " + comparison.bytes() + " bytes: identical to "
                        + "the source (" + restored + ")");
                say(String.format("demo succeeded in %.1f s", (System.nanoTime() - started) / 1e9));
                return 0;
            }
        } catch (EmbeddedKafkaBroker.PortTakenException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("demo cannot start: " + e.getMessage());
            return FAILED;
        } finally {
            if (pushgateway != null) {
                pushgateway.destroy();
                pushgateway.waitFor(5, TimeUnit.SECONDS);
            }
            if (temporary) {
                DemoData.deleteTree(data);
            }
        }
    }

    /** Triggers one session through the registry endpoint, like a user would, and follows it to its end. */
    private SessionStatus run(StandaloneStack.Settings settings, SessionWatcher watcher, String namespace,
                              String session, List<String> triggerArgs) {
        List<String> args = new ArrayList<>(triggerArgs);
        args.addAll(List.of("--bootstrap-servers", settings.bootstrapServers(), "--registry-url",
                settings.registryUrl()));
        say("");
        say("$ stashflow trigger " + String.join(" ", triggerArgs));
        int exit = command(new TriggerCommand(java.util.Map.of()), args);
        if (exit != 0) {
            say("FAILED: the request could not be written");
            return null;
        }
        Optional<SessionStatus> status = watcher.awaitFinal(StandaloneStack.CLUSTER, namespace, session,
                Duration.ofSeconds(timeoutSeconds), this::say);
        if (status.isEmpty()) {
            say("FAILED: " + namespace + "/" + session + " did not finish within " + timeoutSeconds + " s (--timeout);"
                    + " run with --verbose to see the services' logs");
            return null;
        }
        if (!"Succeeded".equals(status.get().getPhase())) {
            say("FAILED: " + namespace + "/" + session + " ended " + status.get().getPhase());
            SessionWatcher.explain(status.get()).forEach(line -> say("  " + line));
            status(settings, List.of(namespace + "/" + session));
            return null;
        }
        return status.get();
    }

    private void status(StandaloneStack.Settings settings, List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--url", settings.statusUrl()));
        say("$ stashflow status " + String.join(" ", args));
        command(new StatusCommand(), all);
        say("");
    }

    private void awaitRepository(StandaloneStack.Settings settings, String namespace, String name) {
        HttpClient http = HttpClient.newHttpClient();
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < until) {
            try {
                String body = http.send(HttpRequest.newBuilder(URI.create(settings.statusUrl()
                        + "/repositories?namespace=" + namespace)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (body.contains("\"name\" : \"" + name + "\"") || body.contains("\"name\":\"" + name + "\"")) {
                    return;
                }
                Thread.sleep(250);
            } catch (IOException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private int command(Object command, List<String> args) {
        CommandLine line = new CommandLine(command);
        line.setOut(out);
        line.setErr(out);
        int exit = line.execute(args.toArray(String[]::new));
        out.flush();
        return exit;
    }

    /** Stash's metric families as a Prometheus scrape sees them: pushed ones from the Pushgateway, else the reporter's. */
    private void metrics(StandaloneStack.Settings settings, Optional<String> pushgatewayUrl) {
        String from = pushgatewayUrl.orElse(settings.statusUrl());
        say("Stash metric families " + (pushgatewayUrl.isPresent() ? "pushed to the Pushgateway at " + from
                : "served by the reporter at " + from + "/metrics (no Pushgateway: install prometheus-pushgateway"
                + " or pass --pushgateway-url to push them)") + ":");
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(from + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            TreeMap<String, Integer> families = new TreeMap<>();
            for (String line : response.body().split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String name = line.split("[{ ]", 2)[0];
                if (!OTHER_FAMILIES.matcher(name).lookingAt()) {
                    families.merge(name, 1, Integer::sum);
                }
            }
            if (families.isEmpty()) {
                say("  (none)");
            }
            families.forEach((name, series) -> say(String.format("  %-60s %d series", name, series)));
        } catch (IOException e) {
            say("  cannot read " + from + "/metrics: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        say("");
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }
}
