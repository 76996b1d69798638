package io.stashflow.planner.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.planner.definitions.DefinitionFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's fixed inputs. Running it takes minutes on this machine, so it is run by hand
 * ({@code ./stashflow bench planner}); the options are checked by the command's tests.
 */
class PlannerBenchmarkTest {

    @Test
    void theBenchWorldHasAHundredBackupConfigurationsThatAllParse() {
        var content = new DefinitionFiles("bench").read(Path.of("world.yaml"),
                PlannerBenchmark.world().getBytes(StandardCharsets.UTF_8));
        assertTrue(content.problems().isEmpty(), content.problems()::toString);
        assertEquals(PlannerBenchmark.CONFIGS, content.documents().stream()
                .filter(d -> d.kind().kind().equals("BackupConfiguration")).count());
        assertEquals(PlannerBenchmark.NAMESPACES, content.documents().stream()
                .filter(d -> d.kind().kind().equals("Repository")).count());
    }

    @Test
    void theReportedFiguresAreMedians() {
        assertEquals(7.0, PlannerBenchmark.median(new double[] {9, 1, 7}));
        assertEquals(4.0, PlannerBenchmark.median(new double[] {5, 1, 3, 9}));
        assertEquals(2.5, PlannerBenchmark.median(new double[] {2.5}));
    }

    @Test
    void anApplicationIsTimedFromRunningOrElseFromItsStart() {
        assertEquals(200, PassThroughBaseline.measuredFrom(100, 200, 900));
        // never RUNNING (several stream threads still joining) or RUNNING only after the work was done
        assertEquals(100, PassThroughBaseline.measuredFrom(100, 0, 900));
        assertEquals(100, PassThroughBaseline.measuredFrom(100, 950, 900));
    }
}
