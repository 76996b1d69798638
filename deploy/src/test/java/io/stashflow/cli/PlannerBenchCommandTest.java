package io.stashflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Argument handling of {@code stashflow bench planner}; the benchmark itself is run by hand (it takes minutes). */
class PlannerBenchCommandTest {

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void nonPositiveFiguresAreRefused() {
        CliRun run = run("bench", "planner", "--sessions", "0");
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("must be positive"), run.stderr());
    }

    @Test
    void zeroRoundsAreRefused() {
        CliRun run = run("bench", "planner", "--rounds", "0");
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("rounds must be positive"), run.stderr());
    }

    @Test
    void aMissingCatalogIsReportedBeforeAnythingStarts() {
        CliRun run = run("bench", "planner", "--catalog", "/nonexistent/catalog");
        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains("no Stash catalog with postgres-backup-function.yaml and"
                + " postgres-backup-task.yaml found at /nonexistent/catalog"), run.stderr());
    }

    @Test
    void helpDescribesTheFigures() {
        CliRun run = run("bench", "planner", "--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.stdout().contains("pass-through"), run.stdout());
        assertTrue(run.stdout().contains("--sessions"), run.stdout());
    }
}
