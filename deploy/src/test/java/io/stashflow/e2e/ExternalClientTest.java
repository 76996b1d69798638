package io.stashflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.stashflow.api.topics.Topics;
import io.stashflow.cli.StashflowCommand;
import io.stashflow.events.SessionStatus;
import io.stashflow.standalone.DemoData;
import io.stashflow.standalone.ExamplesSource;
import io.stashflow.standalone.SessionWatcher;
import io.stashflow.standalone.StandaloneStack;
import io.stashflow.standalone.TestStacks;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue #8's acceptance: a client outside the JVM ({@link PlainKafkaClient}, its own process, using only kafka-clients,
 * Avro's generic API and java.net.http) produces a {@code SessionRequested} through the registry endpoint and sees the
 * session reach Succeeded in {@code stash.session-status}. The session is the tar example's backup, so no restic is
 * needed; its archive on disk shows that it really ran. The client runs on a classpath of its libraries alone.
 */
class ExternalClientTest {

    private static final Path CLIENT_SOURCE = Path.of("src/test/java/io/stashflow/e2e/PlainKafkaClient.java");
    private static final Path AVRO = Path.of("../api-events/src/main/avro").toAbsolutePath().normalize();

    @TempDir
    Path dataDir;

    @Test
    void theClientImportsNothingOfStashflow() throws Exception {
        List<String> lines = Files.readAllLines(CLIENT_SOURCE, StandardCharsets.UTF_8);
        List<String> imports = lines.stream().filter(l -> l.startsWith("import ")).toList();
        assertTrue(imports.size() > 10, "the client's imports were found: " + imports);
        for (String line : imports) {
            String name = line.substring("import ".length()).replace("static ", "");
            assertTrue(name.startsWith("java.") || name.startsWith("org.apache.kafka.clients.")
                    || name.startsWith("org.apache.kafka.common.") || name.startsWith("org.apache.avro."),
                    "the plain client may use only the JDK, kafka-clients and Avro: " + line);
        }
        // no fully qualified use either: besides its package, io.stashflow appears only as the CloudEvents type text
        String rest = String.join("\n", lines).replace("package io.stashflow.e2e;", "")
                .replace("\"io.stashflow.session.requested.v1\"", "");
        assertTrue(!rest.contains("io.stashflow"), "the client refers to io.stashflow beyond its package line");
    }

    @Test
    void aPlainKafkaClientRequestsASessionAndSeesItSucceed() throws Exception {
        StandaloneStack.Settings settings = TestStacks.settings(dataDir)
                .withDefinitions(dataDir.resolve("definitions"));
        ExamplesSource.copy(Path.of("examples").toAbsolutePath(), "demo-tar", settings.definitionsDir().orElseThrow());
        Path claims = settings.executorWorkDir().resolve("claims/demo-tar");
        DemoData.generate(claims.resolve("source-data"));

        try (StandaloneStack stack = StandaloneStack.start(settings, line -> { })) {
            // First request: the client registers the request's schema from the Avro files when the registry does not
            // have it yet (it has only the schemas that were used), like a Confluent serializer would.
            Result first = client(settings, "source-backup-external-1", List.of(
                    "--schema", AVRO.resolve("common/SessionKind.avsc").toString(),
                    "--schema", AVRO.resolve("common/InvokerRef.avsc").toString(),
                    "--schema", AVRO.resolve("SessionRequested.avsc").toString()));
            assertEquals(PlainKafkaClient.SUCCEEDED, first.exit(), first.output());
            assertTrue(first.output().contains("session standalone/demo-tar/source-backup-external-1 Succeeded"),
                    first.output());
            assertTrue(Files.size(claims.resolve("demo-repository/source-backup-external-1.tar.gz")) > 0,
                    "the session's archive was written");

            // Stashflow's own producer on the same subject: its schema (the generated class's) must be accepted next
            // to the one the client registered, and its session must run.
            try (SessionWatcher watcher = new SessionWatcher(stack.bootstrapServers(), stack.registry(),
                    Topics.withDefaultPrefix())) {
                StringWriter text = new StringWriter();
                CommandLine trigger = StashflowCommand.commandLine();
                trigger.setOut(new PrintWriter(text, true));
                trigger.setErr(new PrintWriter(text, true));
                assertEquals(0, trigger.execute("trigger", "demo-tar/source-backup", "--session-name",
                        "source-backup-trigger", "--bootstrap-servers", settings.bootstrapServers(), "--registry-url",
                        settings.registryUrl()), text.toString());
                Optional<SessionStatus> status = watcher.awaitFinal(StandaloneStack.CLUSTER, "demo-tar",
                        "source-backup-trigger", Duration.ofSeconds(60), line -> { });
                assertEquals("Succeeded", status.map(SessionStatus::getPhase).orElse("no final phase"));
            }

            // Second request: the subject exists now, so the client takes its latest version as any producer would.
            Result second = client(settings, "source-backup-external-2", List.of());
            assertEquals(PlainKafkaClient.SUCCEEDED, second.exit(), second.output());
            assertTrue(second.output().contains("using the latest schema of stash.sessions-value"), second.output());
            assertTrue(Files.size(claims.resolve("demo-repository/source-backup-external-2.tar.gz")) > 0);
        }
    }

    private record Result(int exit, String output) {
    }

    /**
     * The client's classpath: this module's test classes (for the client itself) and the libraries it may use —
     * kafka-clients with its compression codecs, Avro with the Jackson and commons-compress it needs, slf4j's API
     * (no logging provider: the Kafka client's logging is off). None of Stashflow's main classes are on it, so a use
     * of them would fail the client.
     */
    static String clientClasspath() {
        List<String> kept = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (path.endsWith(Path.of("deploy", "target", "test-classes"))
                    || CLIENT_LIBRARIES.matcher(path.getFileName().toString()).matches()) {
                kept.add(entry);
            }
        }
        return String.join(File.pathSeparator, kept);
    }

    private static final Pattern CLIENT_LIBRARIES = Pattern.compile("(kafka-clients|zstd-jni|lz4-java|snappy-java"
            + "|avro|jackson-core|jackson-databind|jackson-annotations|commons-compress|slf4j-api)-\\d.*\\.jar");

    @Test
    void theClientsClasspathHoldsOnlyItsLibraries() {
        List<String> names = java.util.Arrays.stream(clientClasspath().split(File.pathSeparator))
                .map(e -> Path.of(e).getFileName().toString()).toList();
        assertTrue(names.stream().anyMatch(n -> n.startsWith("kafka-clients-")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("avro-")), names.toString());
        assertTrue(names.contains("test-classes"), names.toString());
        assertTrue(names.stream().noneMatch(n -> n.equals("classes") || n.contains("stashflow")
                || n.startsWith("api-events") || n.startsWith("kafka-streams") || n.startsWith("kafka_")),
                names.toString());
    }

    /** Runs the client as its own process, on {@link #clientClasspath()}. */
    private Result client(StandaloneStack.Settings settings, String session, List<String> extra) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", clientClasspath(),
                PlainKafkaClient.class.getName(),
                "--bootstrap-servers", settings.bootstrapServers(),
                "--registry-url", settings.registryUrl(),
                "--namespace", "demo-tar",
                "--backup-configuration", "source-backup",
                "--session-name", session,
                "--timeout", "60"));
        command.addAll(extra);
        Path log = dataDir.resolve(session + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("the client did not end within 90 s:\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        // the client's own lines (not the Kafka client's logging) into the test's output, as a trace of what it did
        output.lines().filter(l -> l.startsWith("plain-kafka-client:")).forEach(System.out::println);
        return new Result(process.exitValue(), output);
    }
}
