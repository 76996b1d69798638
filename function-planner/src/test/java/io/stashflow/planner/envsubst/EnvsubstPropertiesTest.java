package io.stashflow.planner.envsubst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.CharRange;

/** Properties of the engine over generated templates and values. */
class EnvsubstPropertiesTest {

    /** Characters that mean something to the parser, plus ordinary and multi-byte ones. */
    private static final List<String> TEMPLATE_TOKENS = List.of(
            "$", "{", "}", ":", "=", "-", "+", "?", "#", "%", "/", "^", ",", "\\", "*", "[", "]",
            "A", "B", "a", "b", "1", "_", " ", "é", "€", "😀", "${", "${A", "${B", "}", "\n", "\t", "\u0000");

    private static final List<String> PLAIN_TOKENS = List.of(
            "$", "{", "}", "\\", "\\\\", "/", ":", "#", "%", "a", "Z", " ", "\n", "\t", "é", "€", "😀", "ǅ");

    @Provide
    Arbitrary<String> templates() {
        return Arbitraries.of(TEMPLATE_TOKENS).list().ofMaxSize(30).map(parts -> String.join("", parts));
    }

    @Provide
    Arbitrary<Map<String, String>> valueMaps() {
        Arbitrary<String> values = Arbitraries.of(List.of("", "a", "ab", "-1", "2", "é", "€😀", "a/b", "*", "${A}"))
                .list().ofMaxSize(4).map(parts -> String.join("", parts));
        return Arbitraries.maps(Arbitraries.of("A", "B", "1", "a"), values).ofMaxSize(4);
    }

    @Provide
    Arbitrary<String> plainText() {
        return Arbitraries.of(PLAIN_TOKENS).list().ofMaxSize(40).map(parts -> String.join("", parts))
                .filter(s -> !s.contains("${") && !s.contains("$$"));
    }

    @Property(tries = 2000)
    void textWithoutOpeningsOrDollarEscapesComesBackUnchanged(@ForAll("plainText") String text) throws EnvsubstException {
        assertEquals(text, Envsubst.evalMap(text, Map.of()));
    }

    /**
     * Any text free of "${", "$$" and NUL (which upstream reads as end of input) is returned as is,
     * whatever else it contains.
     */
    @Property(tries = 2000)
    void arbitraryTextWithoutOpeningsComesBackUnchanged(
            @ForAll @CharRange(from = '\u0001', to = '\uD7FF') String text) throws EnvsubstException {
        if (!text.contains("${") && !text.contains("$$")) {
            assertEquals(text, Envsubst.evalMap(text, Map.of("A", "x")));
        }
    }

    @Property(tries = 2000)
    void onlyEnvsubstExceptionsEscape(@ForAll("templates") String template,
                                      @ForAll("valueMaps") Map<String, String> values) {
        try {
            assertNotNull(Envsubst.evalMap(template, values));
        } catch (EnvsubstException e) {
            assertNotNull(e.kind());
            assertFalse(e.getMessage().isEmpty());
        }
    }

    @Property(tries = 2000)
    void onlyEnvsubstExceptionsEscapeOnAnyJavaString(@ForAll String template, @ForAll String value) {
        try {
            assertNotNull(Envsubst.evalMap(template, Map.of("A", value)));
        } catch (EnvsubstException e) {
            assertNotNull(e.kind());
        }
    }

    /** Evaluation fails for a missing variable exactly when a required one is absent. */
    @Property(tries = 2000)
    void requiredVariablesPredictNotFoundErrors(@ForAll("templates") String template,
                                               @ForAll("valueMaps") Map<String, String> values) {
        EnvsubstTemplate parsed;
        try {
            parsed = EnvsubstTemplate.parse(template);
        } catch (EnvsubstException e) {
            assertEquals(EnvsubstException.Kind.PARSE, e.kind());
            return;
        }
        boolean allRequiredPresent = values.keySet().containsAll(parsed.requiredVariableNames());
        try {
            parsed.eval(values);
            assertTrue(allRequiredPresent, "succeeded although a required variable is absent");
        } catch (EnvsubstException e) {
            if (e.kind() == EnvsubstException.Kind.VALUE_NOT_FOUND) {
                assertFalse(allRequiredPresent, "not-found error although every required variable is present");
                assertTrue(parsed.requiredVariableNames().contains(e.key()));
                assertFalse(values.containsKey(e.key()));
            } else {
                assertEquals(EnvsubstException.Kind.BAD_ARGUMENT, e.kind());
            }
        }
    }

    /** Parsing once and evaluating is the same as the one-shot entry point. */
    @Property(tries = 1000)
    void templateAndOneShotAgree(@ForAll("templates") String template,
                                 @ForAll("valueMaps") Map<String, String> values) {
        String viaTemplate;
        try {
            viaTemplate = EnvsubstTemplate.parse(template).eval(values);
        } catch (EnvsubstException e) {
            viaTemplate = "error: " + e.getMessage();
        }
        String oneShot;
        try {
            oneShot = Envsubst.evalMap(template, values);
        } catch (EnvsubstException e) {
            oneShot = "error: " + e.getMessage();
        }
        assertEquals(viaTemplate, oneShot);
    }
}
