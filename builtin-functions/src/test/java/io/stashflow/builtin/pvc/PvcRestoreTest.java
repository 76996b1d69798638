package io.stashflow.builtin.pvc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PvcRestoreTest {

    @Test
    void patternsNamingTheMountPathAreRewrittenToTheRecordedPath() {
        Path mount = Path.of("/work/claims/demo/restored-data");
        Path recorded = Path.of("/work/claims/demo/source-data");
        assertEquals(List.of("/work/claims/demo/source-data", "/work/claims/demo/source-data/a/b",
                        "/work/claims/demo/source-data/", "/work/claims/demo/restored-data-2/a", "*.log", "nested/x",
                        "/work/claims/demo/source-data/*.tmp"),
                PvcRestore.relocated(List.of("/work/claims/demo/restored-data", "/work/claims/demo/restored-data/a/b",
                        "/work/claims/demo/restored-data/", "/work/claims/demo/restored-data-2/a", "*.log", "nested/x",
                        "/work/claims/demo/restored-data/*.tmp"), mount, recorded));
    }
}
