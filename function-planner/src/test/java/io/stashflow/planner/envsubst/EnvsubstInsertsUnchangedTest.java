package io.stashflow.planner.envsubst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link EnvsubstTemplate#insertsUnchanged}: which references keep a variable's value as it is, and the promise that
 * comes with it (the plan cache relies on it): the output for one non-empty value is the output for another one with
 * the copies replaced.
 */
class EnvsubstInsertsUnchangedTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "--session=${A}|true",
        "${A:=x}|true",
        "${A=x}|true",
        "${A:-x}|true",
        "${A:-}|true",
        "${A:+x}|true",
        "${A:?unset}|true",
        "${B:=${A}}|true",
        "${B:-pre-${A}-post}|true",
        "${A}${A}|true",
        "no reference at all|true",
        "${B:0:2}|true",
        "${B/x/y}|true",
        "${A:0:5}|false",
        "${A:3}|false",
        "${#A}|false",
        "${A#pre}|false",
        "${A##p*}|false",
        "${A%post}|false",
        "${A%%p*}|false",
        "${A^}|false",
        "${A^^}|false",
        "${A,}|false",
        "${A,,}|false",
        "${A/x/y}|false",
        "${A//x/y}|false",
        "${A/#x/y}|false",
        "${A/%x/y}|false",
        "${B/x/${A}}|false",
        "${B/${A}/y}|false",
        "${B:${A}}|false",
        "${B#${A}}|false",
        "${B:=${A:0:1}}|false",
        "${B:=${A^^}}|false",
    })
    void classifiesReferences(String template, boolean unchanged) throws EnvsubstException {
        assertEquals(unchanged, EnvsubstTemplate.parse(template).insertsUnchanged("A"::equals));
    }

    /** Pieces of the generated templates: whole expressions of every operator on A and B, and loose characters. */
    private static final List<String> TOKENS = List.of(
            "${A}", "${B}", "${A:=x}", "${A:-}", "${A:+y}", "${B:=${A}}", "${B:-x${A}y}",
            "${A:0:2}", "${A:1}", "${#A}", "${A#x}", "${A##*}", "${A%y}", "${A%%x*}", "${A^}", "${A^^}", "${A,,}",
            "${A/x/y}", "${A//-/_}", "${A/#a/b}", "${A/%a/b}", "${B/x/${A}}", "${B:${A}}", "${B#${A}}",
            "${A", "${B", "}", ":", "=", "-", "+", "?", "#", "%", "/", "^", ",", "0", "1", "x", "y", "*", " ", "\u00e9",
            "$$", "\\");

    @Provide
    Arbitrary<String> templates() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(8).map(parts -> String.join("", parts));
    }

    @Provide
    Arbitrary<String> nonEmptyValues() {
        return Arbitraries.of(List.of("a", "b", "x", "y", "1", "-", "é", "pg-backup-7-1700000000", "A.b"))
                .list().ofMinSize(1).ofMaxSize(4).map(parts -> String.join("", parts));
    }

    @Provide
    Arbitrary<String> otherValues() {
        return Arbitraries.of(List.of("", "x", "xy", "1", "yx*"));
    }

    /**
     * For templates that keep A unchanged: evaluating with a marker for A and replacing the marker gives the same
     * as evaluating with the value itself; failures are the same too.
     */
    @Property(tries = 5000)
    void keptValuesCanBeSubstitutedAfterwards(@ForAll("templates") String template,
                                              @ForAll("nonEmptyValues") String value,
                                              @ForAll("otherValues") String b) {
        EnvsubstTemplate parsed;
        try {
            parsed = EnvsubstTemplate.parse(template);
        } catch (EnvsubstException e) {
            return;
        }
        boolean unchanged = parsed.insertsUnchanged("A"::equals);
        boolean referencesA = parsed.variableNames().contains("A");
        Statistics.collect(referencesA, unchanged);
        // not vacuous: many generated templates use A unchanged, many transform it
        Statistics.coverage(coverage -> {
            coverage.check(true, true).percentage(p -> p > 5);
            coverage.check(true, false).percentage(p -> p > 5);
        });
        if (!unchanged) {
            return;
        }
        String marker = "\uE000marker\uE001";
        assertEquals(outcome(parsed, marker, b).replace(marker, value), outcome(parsed, value, b),
                () -> "template " + template + ", A=" + value + ", B=" + b);
    }

    /** A template that does not reference A keeps it unchanged. */
    @Property(tries = 500)
    void templatesWithoutAKeepItUnchanged(@ForAll("templates") String template) {
        try {
            EnvsubstTemplate parsed = EnvsubstTemplate.parse(template);
            if (!parsed.variableNames().contains("A")) {
                assertTrue(parsed.insertsUnchanged("A"::equals), template);
            }
        } catch (EnvsubstException e) {
            // not a template; nothing to say
        }
    }

    private static String outcome(EnvsubstTemplate template, String a, String b) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("A", a);
        values.put("B", b);
        try {
            return "ok: " + template.eval(values);
        } catch (EnvsubstException e) {
            return "error " + e.kind() + ": " + e.getMessage();
        }
    }
}
