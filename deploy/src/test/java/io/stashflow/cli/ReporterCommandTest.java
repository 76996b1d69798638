package io.stashflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.reporter.ReporterConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReporterCommandTest {

    @TempDir
    Path dir;

    @Test
    void invalidConfigurationListsEveryProblemAndExitsWith2() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ReporterCommand(Map.of("STASHFLOW_HTTP_PORT", "eighty")));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("--pushgateway-url=localhost:9091", "--agent-silence=soon");
        assertEquals(ReporterCommand.BAD_CONFIGURATION, exit);
        String text = err.toString();
        assertTrue(text.contains("bootstrap-servers is required: set --bootstrap-servers / STASHFLOW_BOOTSTRAP_SERVERS"),
                text);
        assertTrue(text.contains("schema-registry-url is required"), text);
        assertTrue(text.contains("pushgateway-url is 'localhost:9091', not an http(s) URL"), text);
        assertTrue(text.contains("http-port is 'eighty', not a whole number"), text);
        assertTrue(text.contains("agent-silence is 'soon', not a duration"), text);
    }

    @Test
    void flagsWinOverTheEnvironmentWhichWinsOverTheFile() throws Exception {
        Path file = dir.resolve("reporter.properties");
        Files.writeString(file, "bootstrap-servers=file:9092\nschema-registry-url=http://file:8081\ntopic-prefix=fromfile\n"
                + "http-port=9000\nstate-dir=" + dir.resolve("state") + "\n");
        ReporterCommand command = new ReporterCommand(Map.of("STASHFLOW_HTTP_PORT", "9100",
                "STASHFLOW_METRICS_LABELS", "env=prod,team=db"));
        new CommandLine(command).parseArgs("--config-file=" + file, "--bootstrap-servers=flag:9092",
                "--pushgateway-url=http://127.0.0.1:9091/", "--cluster-id=eu-1", "--agent-silence=45m");
        ReporterConfig config = command.config();
        assertEquals("flag:9092", config.bootstrapServers());
        assertEquals("fromfile", config.topicPrefix());
        assertEquals(9100, config.httpPort());
        assertEquals("http://127.0.0.1:9091", config.pushgatewayUrl().orElseThrow().toString());
        assertEquals("eu-1", config.clusterId().orElseThrow());
        assertEquals(Duration.ofMinutes(45), config.agentSilence());
        assertEquals(Map.of("env", "prod", "team", "db"), config.metricsLabels());
        assertEquals("http://file:8081", config.schemaRegistryUrl().orElseThrow().toString());
    }

    @Test
    void theLauncherKnowsTheReporterAndStatusCommands() {
        CommandLine cli = StashflowCommand.commandLine();
        assertTrue(cli.getSubcommands().containsKey("reporter"));
        assertTrue(cli.getSubcommands().containsKey("status"));
    }
}
