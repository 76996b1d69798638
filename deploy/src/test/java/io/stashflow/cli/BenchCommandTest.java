package io.stashflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code stashflow bench resolve} runs both benchmarks and prints the report. Only the report's shape is checked;
 * how fast anything is is never asserted.
 */
class BenchCommandTest {

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void resolveBenchPrintsOneLinePerBenchmarkWithTheEnvironment() {
        CliRun run = run("bench", "resolve", "--warmup-seconds", "0", "--measure-seconds", "0.2");
        assertEquals(0, run.exitCode(), run.stderr());
        List<String> lines = run.stdout().lines().toList();
        assertEquals("command: stashflow bench resolve --warmup-seconds 0 --measure-seconds 0.2", lines.get(0));
        assertTrue(lines.get(1).startsWith("jvm:"), lines.get(1));
        assertTrue(lines.get(2).startsWith("machine:") && lines.get(2).contains(" cores"), lines.get(2));
        assertTrue(lines.get(4).matches("benchmark\\s+ops/s\\s+mean µs\\s+p99 µs\\s+ops"), lines.get(4));
        assertTrue(lines.get(5).startsWith("resolve postgres backup Task"), lines.get(5));
        assertTrue(lines.get(6).startsWith("substitute postgres-backup-16.1 args"), lines.get(6));
        for (String line : lines.subList(5, 7)) {
            String[] columns = line.trim().split("\\s{2,}");
            long ops = Long.parseLong(columns[columns.length - 1]);
            assertTrue(ops > 0, line);
        }
    }

    @Test
    void benchAloneListsItsSubcommands() {
        CliRun run = run("bench");
        assertEquals(0, run.exitCode());
        assertTrue(run.stdout().contains("resolve"), run.stdout());
    }

    @Test
    void aMissingCatalogIsReported() {
        CliRun run = run("bench", "resolve", "--catalog", "/nonexistent/catalog", "--measure-seconds", "0.1");
        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains("no Stash catalog found at /nonexistent/catalog"), run.stderr());
    }
}
