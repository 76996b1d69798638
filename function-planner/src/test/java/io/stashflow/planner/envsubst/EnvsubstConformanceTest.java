package io.stashflow.planner.envsubst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of {@code shared/conformance/envsubst-upstream.tsv}, produced by running the real
 * gomodules.xyz/envsubst v0.2.0 EvalMap.
 *
 * <p>The file is read with tabs as the only separator and no quoting. Its text columns are raw:
 * backslashes are literal (rows with {@code \\something} and {@code \\.\pipe\pipename} expect
 * them unchanged, as upstream's Go tests do), so nothing is unescaped. No row holds a tab or a
 * newline in its data; a row with the wrong number of columns fails the test rather than being
 * guessed at.
 */
class EnvsubstConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FILE = "envsubst-upstream.tsv";
    private static final List<String> HEADER = List.of(
            "id", "input", "variables_json", "evalmap_status", "evalmap_output", "evalmap_error", "source");

    record Row(String id, String input, Map<String, String> variables, String status, String output,
               String error, String source) {
        @Override
        public String toString() {
            return id + ": " + input + " (" + source + ")";
        }
    }

    /**
     * Found by walking up from the working directory to the directory that holds
     * {@code shared/conformance} beside the repository. Fails, never skips: CI always has it.
     */
    static Path conformanceFile() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("conformance").resolve(FILE);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("shared/conformance/" + FILE + " not found in " + start
                + " or any parent directory; the conformance data must sit beside the repository as ../shared");
    }

    static List<Row> rows() throws IOException {
        List<String> lines = Files.readAllLines(conformanceFile(), StandardCharsets.UTF_8);
        assertEquals(HEADER, List.of(lines.get(0).split("\t", -1)), "unexpected header in " + FILE);
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != HEADER.size()) {
                fail(FILE + " line " + (i + 1) + " has " + f.length + " columns, expected " + HEADER.size());
            }
            Map<String, String> variables = JSON.readValue(f[2], new TypeReference<Map<String, String>>() { });
            rows.add(new Row(f[0], f[1], variables, f[3], f[4], f[5], f[6]));
        }
        return rows;
    }

    @Test
    void theFileHasRows() throws IOException {
        assertTrue(rows().size() >= 69, "expected the 69 upstream rows, found " + rows().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void matchesUpstream(Row row) {
        switch (row.status()) {
            case "OK" -> {
                try {
                    assertEquals(row.output(), Envsubst.evalMap(row.input(), row.variables()));
                } catch (EnvsubstException e) {
                    fail("expected \"" + row.output() + "\" but got error: " + e.getMessage());
                }
            }
            case "ERROR" -> {
                EnvsubstException e = assertThrows(EnvsubstException.class,
                        () -> Envsubst.evalMap(row.input(), row.variables()));
                assertEquals(row.error(), e.getMessage());
            }
            default -> fail("unknown evalmap_status " + row.status() + " in row " + row.id());
        }
    }
}
