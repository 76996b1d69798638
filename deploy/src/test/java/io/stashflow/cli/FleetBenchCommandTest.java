package io.stashflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code stashflow bench fleet} at a small scale, end to end (broker, planner, reporter, three agents on simulated
 * clusters, one tick), and its argument handling. Only completeness and the presence of the figures are asserted,
 * never their values.
 */
class FleetBenchCommandTest {

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    @Tag("integration")
    void thirtySessionsFromThreeClustersAllEndOnceAndTheFiguresArePrinted() {
        CliRun run = run("bench", "fleet", "--clusters", "3", "--sessions", "30", "--step-delay", "10ms",
                "--failure-ratio", "0.5");
        String out = run.stdout();
        assertEquals(0, run.exitCode(), out + run.stderr());
        assertTrue(out.contains("check:   30 sessions expected, 30 final in fleet.session-status, 0 lost,"
                + " 0 unexpected; SessionRequested 0 duplicated; JobPlanned 30 for 30 sessions, 0 duplicated;"
                + " runs 30, 0 duplicated, 0 in the wrong cluster"), out);
        assertTrue(out.contains("result:  OK: 30 sessions from 3 clusters, none lost, none duplicated"), out);
        // about half the plans failed their first step on purpose, and those sessions are final too
        Matcher phases = Pattern.compile("phases:  Failed (\\d+), Succeeded (\\d+)").matcher(out);
        assertTrue(phases.find(), out);
        assertEquals(30, Integer.parseInt(phases.group(1)) + Integer.parseInt(phases.group(2)), out);
        for (String figure : new String[] {"SessionRequested readable", "JobPlanned readable (planned)",
                "runs created (dispatched)", "sessions final in fleet.session-status", "per session, tick to final",
                "pass-through: the run's 30 SessionRequested records", "heap (the whole JVM", "peak after GC",
                "planner (planner + scheduler)", "reporter", "agents (all 3)", "allocated MiB", "simulated"}) {
            assertTrue(out.contains(figure), "'" + figure + "' missing from:\n" + out);
        }
    }

    @Test
    void sessionsMustSpreadEvenlyOverTheClusters() {
        CliRun run = run("bench", "fleet", "--clusters", "3", "--sessions", "31");
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("must be a multiple of --clusters"), run.stderr());
    }

    @Test
    void aBadDurationOrAMissingCatalogIsReportedBeforeAnythingStarts() {
        CliRun bad = run("bench", "fleet", "--step-delay", "soon");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.stderr().contains("'soon' is not a duration"), bad.stderr());
        CliRun missing = run("bench", "fleet", "--catalog", "/nonexistent/catalog");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.stderr().contains("no Stash catalog with postgres-backup-function.yaml and"
                + " postgres-backup-task.yaml found at /nonexistent/catalog"), missing.stderr());
    }

    @Test
    void helpSaysTheClustersAreSimulated() {
        CliRun run = run("bench", "fleet", "--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.stdout().contains("SIMULATED"), run.stdout());
        assertTrue(run.stdout().contains("--step-delay"), run.stdout());
    }
}
