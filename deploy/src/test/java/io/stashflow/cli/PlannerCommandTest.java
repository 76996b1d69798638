package io.stashflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.planner.service.PlannerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PlannerCommandTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run run(PlannerCommand command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void anInvalidConfigurationListsEveryProblemAndExitsWithTwo() {
        Run run = run(new PlannerCommand(Map.of()), "--state-dir", dir.toString(), "--clusters", "a/b",
                "--commit-interval", "fast");
        assertEquals(PlannerCommand.BAD_CONFIGURATION, run.exitCode());
        assertTrue(run.stderr().contains("invalid configuration of planner"), run.stderr());
        assertTrue(run.stderr().contains("bootstrap-servers is required"), run.stderr());
        assertTrue(run.stderr().contains("schema-registry-url is required"), run.stderr());
        assertTrue(run.stderr().contains("cluster id 'a/b'"), run.stderr());
        assertTrue(run.stderr().contains("commit-interval is 'fast'"), run.stderr());
    }

    @Test
    void flagsEnvironmentAndConfigFileAreCombinedFlagsFirst() throws Exception {
        Path file = dir.resolve("planner.properties");
        java.nio.file.Files.writeString(file, "clusters=from-file\nschedule-jitter=2m\n");
        PlannerCommand command = new PlannerCommand(Map.of("STASHFLOW_BOOTSTRAP_SERVERS", "env:9092",
                "STASHFLOW_SCHEMA_REGISTRY_URL", "http://registry:8081", "STASHFLOW_CLUSTERS", "from-env"));
        new CommandLine(command).parseArgs("--bootstrap-servers", "flag:9092", "--state-dir", dir.toString(),
                "--config-file", file.toString());
        PlannerConfig config = command.config();
        assertEquals("flag:9092", config.bootstrapServers());
        assertEquals(Set.of("from-env"), config.clusters());
        assertEquals(java.time.Duration.ofMinutes(2), config.scheduleJitter());
    }

    @Test
    void everySettingOfTheServiceHasAFlag() {
        CommandLine cli = new CommandLine(new PlannerCommand(Map.of()));
        for (String setting : PlannerConfig.SETTINGS) {
            assertTrue(cli.getCommandSpec().findOption("--" + setting) != null, "--" + setting);
        }
    }

    @Test
    void theLauncherHasPlannerAndTrigger() {
        CommandLine root = StashflowCommand.commandLine();
        assertTrue(root.getSubcommands().containsKey("planner"));
        assertTrue(root.getSubcommands().containsKey("trigger"));
        assertTrue(root.getSubcommands().get("bench").getSubcommands().containsKey("planner"));
    }
}
