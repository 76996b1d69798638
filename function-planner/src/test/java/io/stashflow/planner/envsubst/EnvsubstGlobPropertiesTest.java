package io.stashflow.planner.envsubst;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The linear-time remove-pattern implementation agrees with a literal, quadratic statement of
 * upstream's algorithm on generated values and patterns, including multi-byte characters, cuts
 * inside them, stray invalid bytes and malformed patterns.
 */
class EnvsubstGlobPropertiesTest {

    private static final byte[] LONE_LEAD = {(byte) 0xC3};
    private static final byte[] LONE_CONTINUATION = {(byte) 0xA9};
    private static final byte[] TRUNCATED_EURO = {(byte) 0xE2, (byte) 0x82};

    private static Arbitrary<byte[]> joined(List<byte[]> tokens, int maxTokens) {
        return Arbitraries.of(tokens).list().ofMaxSize(maxTokens).map(EnvsubstGlobPropertiesTest::concat);
    }

    private static List<byte[]> utf8(String... tokens) {
        List<byte[]> out = new ArrayList<>();
        for (String token : tokens) {
            out.add(Utf8.encode(token));
        }
        return out;
    }

    private static byte[] concat(List<byte[]> parts) {
        return Functions.concat(parts.toArray(new byte[0][]));
    }

    @Provide
    Arbitrary<byte[]> values() {
        return joined(utf8("a", "b", "/", ".", "é", "€", "😀", "ab", "é€"), 10);
    }

    @Provide
    Arbitrary<byte[]> anyBytes() {
        List<byte[]> tokens = utf8("a", "b", "é", "€", "😀");
        tokens.add(LONE_LEAD);
        tokens.add(LONE_CONTINUATION);
        tokens.add(TRUNCATED_EURO);
        return joined(tokens, 10);
    }

    @Provide
    Arbitrary<byte[]> patterns() {
        List<byte[]> tokens = utf8("a", "b", "é", "€", "😀", "/", "*", "*", "?", "?", "[", "]", "^", "-", "\\",
                "[a-b]", "[^a]", "[é-😀]", "[\\]]", "[^é]", "\\*", "\\?");
        tokens.add(LONE_LEAD);
        tokens.add(LONE_CONTINUATION);
        return joined(tokens, 6);
    }

    private static void assertAgree(byte[] s, byte[] p) {
        WorkCounter none = WorkCounter.NONE;
        assertEquals(Utf8.toJavaString(NaiveGoGlob.trimShortest(s, p)),
                Utf8.toJavaString(Glob.trimShortestPrefix(s, p, none)), "shortest prefix");
        assertEquals(Utf8.toJavaString(NaiveGoGlob.trimLongest(s, p)),
                Utf8.toJavaString(Glob.trimLongestPrefix(s, p, none)), "longest prefix");
        // exact bytes too, not only their decoded form
        assertEquals(hex(NaiveGoGlob.trimShortest(s, p)), hex(Glob.trimShortestPrefix(s, p, none)));
        assertEquals(hex(NaiveGoGlob.trimLongest(s, p)), hex(Glob.trimLongestPrefix(s, p, none)));
    }

    private static String hex(byte[] b) {
        StringBuilder out = new StringBuilder();
        for (byte x : b) {
            out.append(String.format("%02x", x));
        }
        return out.toString();
    }

    @Property(tries = 5000)
    void prefixTrimsAgreeWithUpstreamOnValidValues(@ForAll("values") byte[] s, @ForAll("patterns") byte[] p) {
        assertAgree(s, p);
    }

    @Property(tries = 2000)
    void prefixTrimsAgreeWithUpstreamOnAnyBytes(@ForAll("anyBytes") byte[] s, @ForAll("patterns") byte[] p) {
        assertAgree(s, p);
    }

    @Property(tries = 2000)
    void suffixTrimsAgreeWithUpstream(@ForAll("values") byte[] s, @ForAll("patterns") byte[] p) {
        byte[] reversedValue = Glob.reverseRunes(s);
        byte[] reversedPattern = Glob.reverseRunes(p);
        assertEquals(hex(Glob.reverseRunes(NaiveGoGlob.trimShortest(reversedValue, reversedPattern))),
                hex(Glob.trimShortestSuffix(s, p, WorkCounter.NONE)));
        assertEquals(hex(Glob.reverseRunes(NaiveGoGlob.trimLongest(reversedValue, reversedPattern))),
                hex(Glob.trimLongestSuffix(s, p, WorkCounter.NONE)));
    }
}
