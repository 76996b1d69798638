package io.stashflow.planner.envsubst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Work grows linearly with input size. Measured with a deterministic step counter (runes scanned,
 * bytes written, pattern elements tested), never with a clock: going from n to 4n must multiply
 * the steps by about 4, where a quadratic algorithm would multiply them by 16.
 */
class EnvsubstLinearityTest {

    private static final Map<String, String> VALUES = Map.of(
            "A", "alpha", "B", "path/to/file.tar.gz", "C", "héllo wörld", "D", "a-b-c-d");

    /** Every form at once, with escapes and plain text between them. */
    private static final String UNIT = "$$ ${A} ${B##*/} ${B%.*} ${C:1:4} ${D//-/+} ${E:=x${A^^}} \\ text ";

    private static long templateWork(int copies) throws EnvsubstException {
        WorkCounter counter = new WorkCounter();
        String template = UNIT.repeat(copies);
        EnvsubstTemplate.parse(template, counter).eval(VALUES, counter);
        return counter.steps();
    }

    private static void assertRoughlyFourfold(long small, long large, double maxRatio, String what) {
        double ratio = (double) large / small;
        assertTrue(ratio >= 3.5 && ratio <= maxRatio,
                what + ": 4x the input cost " + ratio + "x the work (" + small + " -> " + large + ")");
    }

    @Test
    void templateWorkIsLinearInTemplateSize() throws EnvsubstException {
        assertRoughlyFourfold(templateWork(500), templateWork(2_000), 4.5, "template");
    }

    @Test
    void aOneMegabyteTemplateWithManyExpressionsEvaluates() throws EnvsubstException {
        String unitOutput = "$ alpha file.tar.gz path/to/file.tar \u00e9ll a+b+c+d xALPHA \\ text ";
        assertEquals(unitOutput, Envsubst.evalMap(UNIT, VALUES));
        int copies = 1_000_000 / UNIT.length() + 1;
        assertEquals(unitOutput.repeat(copies), Envsubst.evalMap(UNIT.repeat(copies), VALUES));
    }

    @Test
    void dollarEscapesAreLinear() throws EnvsubstException {
        // upstream rebuilds its whole buffer for every escape, which is quadratic
        assertRoughlyFourfold(escapeWork(50_000), escapeWork(200_000), 4.5, "$$ escapes");
    }

    private static long escapeWork(int n) throws EnvsubstException {
        WorkCounter counter = new WorkCounter();
        EnvsubstTemplate.parse("${A/$$/x}" + "$$".repeat(n), counter).eval(Map.of("A", "a$b"), counter);
        return counter.steps();
    }

    private static long trimWork(String op, String pattern, int valueLength) throws EnvsubstException {
        WorkCounter counter = new WorkCounter();
        String value = "ab".repeat(valueLength / 2);
        EnvsubstTemplate.parse("${V" + op + pattern + "}", counter).eval(Map.of("V", value), counter);
        return counter.steps();
    }

    @Test
    void shortestPrefixRemovalWithoutAMatchIsNotQuadratic() throws EnvsubstException {
        // no prefix matches, so upstream runs Match on all n prefixes, each scanning up to n bytes
        assertRoughlyFourfold(trimWork("#", "*z", 20_000), trimWork("#", "*z", 80_000), 5.5, "# *z");
    }

    @Test
    void longestSuffixRemovalWithoutAMatchIsNotQuadratic() throws EnvsubstException {
        assertRoughlyFourfold(trimWork("%%", "z*b?", 20_000), trimWork("%%", "z*b?", 80_000), 5.5, "%% z*b?");
    }

    @Test
    void multiChunkPatternsAreNotQuadratic() throws EnvsubstException {
        assertRoughlyFourfold(trimWork("##", "a*b*ba*z", 20_000), trimWork("##", "a*b*ba*z", 80_000), 5.5,
                "## a*b*ba*z");
    }

    @Test
    void replaceAllIsLinearInTheValue() throws EnvsubstException {
        assertRoughlyFourfold(trimWork("//", "aab/x", 50_000), trimWork("//", "aab/x", 200_000), 4.5, "// aab");
    }
}
