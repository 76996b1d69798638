package io.stashflow.planner.envsubst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.stashflow.planner.envsubst.EnvsubstException.Kind;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One case per rule of stash-semantics.md §3.3–3.5 that the upstream conformance rows do not
 * already cover, plus the decisions this implementation makes where upstream crashes or is silent.
 */
class EnvsubstRulesTest {

    /** A rule: the template, the variables, and either the output or the error kind and text. */
    record Case(String rule, String input, Map<String, String> vars, String output, Kind kind, String error) {
        @Override
        public String toString() {
            return rule + "  [" + input.replace("\u0000", "\\0") + "]";
        }
    }

    private static Case ok(String rule, String input, String output, String... vars) {
        return new Case(rule, input, vars(vars), output, null, null);
    }

    private static Case fails(String rule, String input, Kind kind, String error, String... vars) {
        return new Case(rule, input, vars(vars), null, kind, error);
    }

    private static Map<String, String> vars(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    private static final String BAD = "bad substitution";
    private static final String BRACE = "missing closing brace";
    private static final String NAME = "unable to parse variable name";
    private static final String ARG = "unable to parse substitution within function";

    static Stream<Case> lexicalRules() {
        return Stream.of(
                ok("$VAR without braces is literal text", "$A and $A_B", "$A and $A_B", "A", "x", "A_B", "y"),
                ok("$$$$ gives $$", "$$$$", "$$"),
                ok("$${A} is not evaluated, so an absent A is no error", "$${A}", "${A}"),
                ok("$$${A} is $ followed by the value", "$$${A}", "$v", "A", "v"),
                ok("a lone $ is literal, also at the end", "cost: 5$ or $ {A} $", "cost: 5$ or $ {A} $"),
                ok("a lone } is literal", "a}b}", "a}b}"),
                ok("backslash before ${ is not an escape", "\\${A}", "\\v", "A", "v"),
                ok("backslash-slash is untouched outside expressions", "a\\/b\\\\c", "a\\/b\\\\c"),
                ok("names may start with a digit", "${1A}", "one", "1A", "one"),
                ok("names may use any Unicode letter or digit", "${cafés_٣}", "yes", "cafés_٣", "yes"),
                fails("a dot cannot be part of a name", "${A.B}", Kind.PARSE, BRACE, "A", "x"),
                fails("a hyphen cannot be part of a name", "${MY-VAR}", Kind.PARSE, BRACE, "MY", "x"),
                fails("a space cannot be part of a name", "${A B}", Kind.PARSE, BRACE, "A", "x"),
                ok("\\/ is / in a replace pattern", "${A/\\//_}", "a_b", "A", "a/b"),
                ok("\\\\ is \\ in a replacement", "${A/b/\\\\}", "a\\", "A", "ab"),
                ok("$$ is $ in a replace pattern", "${A/$$/S}", "aSb", "A", "a$b"),
                ok("$$ is $ in a replacement", "${A/b/$$}", "a$", "A", "ab"),
                ok("other backslashes in replace arguments stay", "${A/b/\\n}", "a\\n", "A", "ab"),
                ok("$$ stays $$ in a default", "${A:=a$$b}", "a$$b"),
                ok("backslashes stay in a default", "${A:=a\\/b}", "a\\/b"),
                ok("$$${ in a default is $ then an expression", "${A:=x$$${B}}", "x$$v", "B", "v"),
                ok("nesting is unlimited in practice", "${A:=${B:=${C:=${D:=deep}}}}", "deep"),
                ok("a default concatenates text and expressions", "${A:=x${B:=y}z}", "xyz"),
                fails("a remove pattern is a single node", "${A#x${B}}", Kind.PARSE, BAD, "A", "x", "B", "y"),
                fails("a substring offset is a single node", "${A:1${B}}", Kind.PARSE, BAD, "A", "x", "B", "1"),
                fails("a replace pattern is a single node", "${A/${B}x/c}", Kind.PARSE, BAD, "A", "x", "B", "y"),
                ok("a nested expression alone is a valid remove pattern", "${A#${B}}", "c", "A", "abc", "B", "ab"),
                ok("the first } ends a default", "${A:=b}c}", "bc}"),
                ok(": is ordinary inside a default", "${A:=b:c}", "b:c"),
                ok("= is ordinary inside a default", "${A==b}", "=b"),
                ok("values are inserted verbatim, never re-scanned", "${A}", "${B} $$", "A", "${B} $$"),
                ok("a replace pattern may contain } (only / ends it)", "${A/b}c/X}", "aX", "A", "ab}c"));
    }

    static Stream<Case> formRules() {
        return Stream.of(
                ok("${X} of an empty value is empty", "[${X}]", "[]", "X", ""),
                ok("= keeps a present empty value", "[${X=d}]", "[]", "X", ""),
                ok(":= keeps a present empty value", "[${X:=d}]", "[]", "X", ""),
                ok(":- keeps a present empty value", "[${X:-d}]", "[]", "X", ""),
                ok(":- uses the default for an absent key", "${X:-d}", "d"),
                ok(":+ gives the value when it is non-empty", "${X:+d}", "v", "X", "v"),
                ok(":+ gives the argument when the value is empty", "${X:+d}", "d", "X", ""),
                fails(":+ fails for an absent key", "${X:+d}", Kind.VALUE_NOT_FOUND,
                        "input/default value not found for key X"),
                ok(":? gives the value when it is non-empty", "${X:?msg}", "v", "X", "v"),
                ok(":? gives the message text, raising nothing, when the value is empty", "${X:?msg}", "msg", "X", ""),
                fails(":? fails with not-found for an absent key, ignoring the message", "${X:?msg}",
                        Kind.VALUE_NOT_FOUND, "input/default value not found for key X"),
                ok("${#X} counts UTF-8 bytes", "${#X}", "6", "X", "héllo"),
                fails("${#X} fails for an absent key", "${#X}", Kind.VALUE_NOT_FOUND,
                        "input/default value not found for key X"),
                fails("casing fails for an absent key", "${X^}", Kind.VALUE_NOT_FOUND,
                        "input/default value not found for key X"),
                ok("^ upper-cases the first rune, even a multi-byte one", "${X^}", "Éa", "X", "éa"),
                ok(", lower-cases the first rune", "${X,}", "éA", "X", "ÉA"),
                ok("^^ uses simple case mapping (ß has no single-rune upper case)", "${X^^}", "ßTRASSE", "X", "ßtrasse"),
                ok(",, lower-cases every rune", "${X,,}", "ǆemal", "X", "ǄEMAL"),
                ok("^, is parsed but returns the value unchanged", "${X^,}", "aBc", "X", "aBc"),
                ok(",^ is parsed but returns the value unchanged", "${X,^}", "aBc", "X", "aBc"),
                ok("a non-integer offset returns the whole value", "${X:a}", "abc", "X", "abc"),
                ok("an offset with a space returns the whole value", "${X: 1}", "abc", "X", "abc"),
                ok("an offset with an explicit + sign is an integer", "${X:${N}}", "bc", "X", "abc", "N", "+1"),
                ok("a negative offset counts from the end", "${X:${N}}", "bc", "X", "abc", "N", "-2"),
                ok("a negative offset beyond the start is clamped to 0", "${X:${N}:2}", "ab", "X", "abc", "N", "-9"),
                ok("an offset at or past the end gives empty", "[${X:3}]", "[]", "X", "abc"),
                ok("an offset out of the int64 range returns the whole value", "${X:99999999999999999999}", "abc",
                        "X", "abc"),
                ok("a non-integer length returns the whole value", "${X:1:z}", "abc", "X", "abc"),
                ok("offset plus length past the end gives the rest", "${X:1:5}", "bc", "X", "abc"),
                ok("a run of colons is one delimiter", "${X:1::1}", "b", "X", "abc"),
                ok("an extra colon in the length makes it non-numeric", "${X:1:2:3}", "abcd", "X", "abcd"),
                ok("a zero length gives empty", "[${X:1:0}]", "[]", "X", "abc"),
                ok("a negative length is harmless when the offset is past the end", "[${X:5:-1}]", "[]", "X", "abc"),
                fails("a negative length is an error where upstream panics", "${X:1:-1}", Kind.BAD_ARGUMENT,
                        "substring of ${X}: length -1 is negative (upstream envsubst panics on it);"
                                + " use a length of 0 or more", "X", "abc"),
                fails("an offset plus length beyond int64 is an error where upstream panics",
                        "${X:1:9223372036854775807}", Kind.BAD_ARGUMENT,
                        "substring of ${X}: offset 1 plus length 9223372036854775807 overflows a 64-bit"
                                + " integer (upstream envsubst panics); use a length no larger than the value",
                        "X", "abc"),
                ok("offsets are bytes: a cut character leaves U+FFFD for each stray byte", "${X:0:2}|${X:2}",
                        "h\uFFFD|\uFFFDllo", "X", "héllo"),
                ok("two halves of a cut character join up again", "${X:0:2}${X:2}", "héllo", "X", "héllo"),
                ok("# removes the shortest matching prefix", "${X#a*}", "bcabc", "X", "abcabc"),
                ok("## removes the longest matching prefix", "${X##a*c}", "", "X", "abcabc"),
                ok("% removes the shortest matching suffix", "${X%b*}", "abca", "X", "abcabc"),
                ok("%% removes the longest matching suffix", "${X%%b*}", "a", "X", "abcabc"),
                ok("suffix removal reverses the pattern, which breaks classes", "${X%[0-9]}", "file7", "X", "file7"),
                ok("prefix removal handles classes", "${X#[0-9]}", "ile", "X", "5ile"),
                ok("negated classes and ranges work", "${X##[^a-c]}", "abc", "X", "zabc"),
                ok("escaped glob characters are literal", "${X#\\*}", "b", "X", "*b"),
                ok("? matches /", "${X#?}", "x", "X", "/x"),
                ok("* matches /", "${X#*.}", "tar.gz", "X", "a/b.tar.gz"),
                ok("a trailing * matches the rest", "[${X##a*}]", "[]", "X", "abc"),
                ok("the empty prefix is never tried, so # with * removes one byte", "${X#*}", "bc", "X", "abc"),
                ok("? can match the first byte of a multi-byte character", "${X#?}", "\uFFFDa", "X", "éa"),
                ok("a malformed pattern leaves the value unchanged", "${X#[}", "abc", "X", "abc"),
                ok("a pattern ending in a backslash leaves the value unchanged", "${X##a\\}", "abc", "X", "abc"),
                ok("a class with no closing bracket leaves the value unchanged", "${X##[a}", "abc", "X", "abc"),
                ok("/ replaces the first literal occurrence", "${X/ab/-}", "-cab", "X", "abcab"),
                ok("// replaces every literal occurrence", "${X//ab/-}", "-c-", "X", "abcab"),
                ok("replace patterns are literal, not globs", "${X/*/-}|${Y/*/-}", "a-b|ab", "X", "a*b", "Y", "ab"),
                ok("${X/p/} deletes the first occurrence", "${X/b/}", "acb", "X", "abcb"),
                ok("${X//p/} deletes every occurrence", "${X//b/}", "ac", "X", "abcb"),
                ok("/# replaces a matching prefix", "${X/#ab/-}", "-cab", "X", "abcab"),
                ok("/% replaces a matching suffix", "${X/%ab/-}", "abc-", "X", "abcab"),
                ok("/# with an empty replacement returns the value unchanged", "${X/#a/}", "abc", "X", "abc"),
                ok("/% with an empty replacement returns the value unchanged", "${X/%c/}", "abc", "X", "abc"),
                ok("/# with a pattern that is not a prefix returns the value", "${X/#b/-}", "abc", "X", "abc"),
                ok("an empty pattern (nested) in // inserts at every rune boundary", "${X//${E}/x}", "xaxéx",
                        "X", "aé", "E", ""),
                ok("an empty pattern (nested) in / inserts once at the start", "${X/${E}/x}", "xab",
                        "X", "ab", "E", ""),
                ok("an empty pattern (nested) in /# prepends", "${X/#${E}/x}", "xab", "X", "ab", "E", ""),
                ok("an empty pattern (nested) in /% appends", "${X/%${E}/x}", "abx", "X", "ab", "E", ""),
                fails("${X/p} without the second slash is a bad substitution", "${X/p}", Kind.PARSE, BAD, "X", "p"));
    }

    static Stream<Case> errorRules() {
        return Stream.of(
                fails("${#} has no name", "${#}", Kind.PARSE, BAD),
                fails("${##} has no name", "${##}", Kind.PARSE, BAD),
                fails("length takes no operator", "${#A:1}", Kind.PARSE, BAD, "A", "abc"),
                fails("// with nothing after it", "${A//}", Kind.PARSE, BAD, "A", "abc"),
                fails("three casing characters", "${A^^^}", Kind.PARSE, BAD, "A", "abc"),
                fails("a substring length running to the end of input", "${A:1:2", Kind.PARSE, BAD, "A", "abc"),
                fails("junk after a remove pattern's nested expression", "${A#${B}x}", Kind.PARSE, BAD),
                fails("unterminated expression", "${A", Kind.PARSE, BRACE),
                fails("POSIX ${A-b} is not implemented", "${A-b}", Kind.PARSE, BRACE),
                fails("POSIX ${A+b} is not implemented", "${A+b}", Kind.PARSE, BRACE),
                fails("POSIX ${A?b} is not implemented", "${A?b}", Kind.PARSE, BRACE),
                fails("${ at the end", "x${", Kind.PARSE, NAME),
                fails("${} has no name", "${}", Kind.PARSE, NAME),
                fails("${-A} does not start with a name", "${-A}", Kind.PARSE, NAME),
                fails("unterminated default", "${A:-x", Kind.PARSE, ARG),
                fails("empty substring offset", "${A:}", Kind.PARSE, ARG),
                fails("empty substring length", "${A:1:}", Kind.PARSE, ARG),
                fails("empty remove pattern", "${A#}", Kind.PARSE, ARG),
                fails("empty literal replace pattern", "${A///x}", Kind.PARSE, ARG),
                fails("a parse error wins over missing variables", "${A}${B", Kind.PARSE, BRACE),
                fails("upstream quirk: a multi-byte rune right after ':' is a bad substitution", "${A:é}",
                        Kind.PARSE, BAD, "A", "abc"),
                fails("upstream quirk: input ending right after ':' is a bad substitution", "${A:", Kind.PARSE, BAD),
                fails("arguments are evaluated first: ${A:=${B}} fails for absent B though A is present",
                        "${A:=${B}}", Kind.VALUE_NOT_FOUND, "input/default value not found for key B", "A", "a"),
                fails("the leftmost missing variable is reported", "${X}${Y}", Kind.VALUE_NOT_FOUND,
                        "input/default value not found for key X"),
                ok("upstream quirk: a NUL character ends the input", "a\u0000b${X}", "a"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"lexicalRules", "formRules", "errorRules"})
    void rule(Case c) {
        if (c.kind() == null) {
            try {
                assertEquals(c.output(), Envsubst.evalMap(c.input(), c.vars()), c.rule());
            } catch (EnvsubstException e) {
                fail(c.rule() + ": expected \"" + c.output() + "\" but got " + e.kind() + ": " + e.getMessage());
            }
        } else {
            EnvsubstException e = assertThrows(EnvsubstException.class, () -> Envsubst.evalMap(c.input(), c.vars()),
                    c.rule());
            assertEquals(c.kind() + ": " + c.error(), e.kind() + ": " + e.getMessage(), c.rule());
        }
    }

    @Test
    void notFoundErrorsNameTheKey() {
        EnvsubstException e = assertThrows(EnvsubstException.class, () -> Envsubst.evalMap("${A:=x}${MISSING^^}", Map.of()));
        assertEquals("MISSING", e.key());
    }

    @Test
    void parseErrorsHaveNoKey() {
        EnvsubstException e = assertThrows(EnvsubstException.class, () -> Envsubst.evalMap("${A", Map.of()));
        assertNull(e.key());
    }

    @Test
    void aNullMapIsAnEmptyMap() throws EnvsubstException {
        assertEquals("d|d", Envsubst.evalMap("${A:=d}|${B:=d}", null));
    }

    @Test
    void aKeyMappedToNullIsAbsent() throws EnvsubstException {
        Map<String, String> withNull = new HashMap<>();
        withNull.put("A", null);
        assertEquals("d", Envsubst.evalMap("${A:=d}", withNull));
    }

    @Test
    void deepNestingIsAParseErrorNotAStackOverflow() {
        String deep = "${A:=".repeat(100_000) + "x" + "}".repeat(100_000);
        EnvsubstException e = assertThrows(EnvsubstException.class, () -> Envsubst.evalMap(deep, Map.of()));
        assertEquals(Kind.PARSE + ": envsubst expressions nested more than 200 levels deep are not supported;"
                + " flatten the template", e.kind() + ": " + e.getMessage());
    }

    @Test
    void nestingUpToTheLimitWorks() throws EnvsubstException {
        int depth = Parser.MAX_NESTING;
        String template = "${A:=".repeat(depth) + "x" + "}".repeat(depth);
        assertEquals("x", Envsubst.evalMap(template, Map.of()));
    }

    @Test
    void manyTopLevelExpressionsNeedNoDeepStack() throws EnvsubstException {
        int count = 200_000;
        assertEquals("v".repeat(count), Envsubst.evalMap("${A}".repeat(count), Map.of("A", "v")));
    }

    @Test
    void variableNamesListEveryReferenceInSourceOrder() throws EnvsubstException {
        EnvsubstTemplate t = EnvsubstTemplate.parse("${C} ${A:=${B}} ${#D} ${E/${F}/x} ${C}");
        assertEquals(List.of("C", "A", "B", "D", "E", "F"), List.copyOf(t.variableNames()));
    }

    @Test
    void requiredVariablesExcludeOnlyTheDefaultedOnes() throws EnvsubstException {
        EnvsubstTemplate t = EnvsubstTemplate.parse("${A:=${B}} ${C=x} ${D:-y} ${E:+z} ${F:?w}");
        assertEquals(Set.of("B", "E", "F"), t.requiredVariableNames());
    }

    @Test
    void aParsedTemplateCanBeEvaluatedManyTimes() throws EnvsubstException {
        EnvsubstTemplate t = EnvsubstTemplate.parse("--host=${HOST:=localhost}");
        assertEquals("--host=localhost|--host=db", t.eval(Map.of()) + "|" + t.eval(Map.of("HOST", "db")));
    }
}
