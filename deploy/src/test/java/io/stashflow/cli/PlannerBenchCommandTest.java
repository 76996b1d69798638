package io.stashflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Argument handling of {@code stashflow bench planner}; the benchmark itself is run by hand (it takes minutes). */
class PlannerBenchCommandTest {

    private record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = StashflowCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void nonPositiveFiguresAreRefused() {
        Run run = run("bench", "planner", "--sessions", "0");
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("must be positive"), run.stderr());
    }

    @Test
    void zeroRoundsAreRefused() {
        Run run = run("bench", "planner", "--rounds", "0");
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("rounds must be positive"), run.stderr());
    }

    @Test
    void aMissingCatalogIsReportedBeforeAnythingStarts() {
        Run run = run("bench", "planner", "--catalog", "/nonexistent/catalog");
        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains("no Stash catalog with postgres-backup-function.yaml found at"
                + " /nonexistent/catalog"), run.stderr());
    }

    @Test
    void helpDescribesTheFigures() {
        Run run = run("bench", "planner", "--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.stdout().contains("pass-through"), run.stdout());
        assertTrue(run.stdout().contains("--sessions"), run.stdout());
    }
}
