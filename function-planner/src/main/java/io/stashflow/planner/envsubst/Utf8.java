package io.stashflow.planner.envsubst;

/**
 * UTF-8 handling with Go's rules. The upstream engine works on Go strings, which are byte
 * sequences: lengths and substring offsets are byte counts, and a slice may cut a character in
 * two. To reproduce that, the engine keeps every string as UTF-8 bytes and decodes exactly the way
 * Go's {@code utf8.DecodeRune} does: any invalid or truncated sequence reads as U+FFFD with a width
 * of one byte.
 */
final class Utf8 {

    static final int REPLACEMENT = 0xFFFD;
    static final byte[] EMPTY = new byte[0];

    private Utf8() {
    }

    /**
     * Decodes the rune starting at {@code pos}, looking no further than {@code limit}. The result
     * packs the rune and its width; read them with {@link #rune(int)} and {@link #width(int)}.
     * Callers guarantee {@code pos < limit}.
     */
    static int decode(byte[] b, int pos, int limit) {
        int b0 = b[pos] & 0xFF;
        if (b0 < 0x80) {
            return pack(b0, 1);
        }
        int size;
        int lo = 0x80;
        int hi = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            size = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            size = 3;
            if (b0 == 0xE0) {
                lo = 0xA0;
            } else if (b0 == 0xED) {
                hi = 0x9F;
            }
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            size = 4;
            if (b0 == 0xF0) {
                lo = 0x90;
            } else if (b0 == 0xF4) {
                hi = 0x8F;
            }
        } else {
            return pack(REPLACEMENT, 1);
        }
        if (limit - pos < size) {
            return pack(REPLACEMENT, 1);
        }
        int b1 = b[pos + 1] & 0xFF;
        if (b1 < lo || b1 > hi) {
            return pack(REPLACEMENT, 1);
        }
        if (size == 2) {
            return pack(((b0 & 0x1F) << 6) | (b1 & 0x3F), 2);
        }
        int b2 = b[pos + 2] & 0xFF;
        if (b2 < 0x80 || b2 > 0xBF) {
            return pack(REPLACEMENT, 1);
        }
        if (size == 3) {
            return pack(((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F), 3);
        }
        int b3 = b[pos + 3] & 0xFF;
        if (b3 < 0x80 || b3 > 0xBF) {
            return pack(REPLACEMENT, 1);
        }
        return pack(((b0 & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F), 4);
    }

    static int rune(int packed) {
        return packed & 0x1FFFFF;
    }

    static int width(int packed) {
        return packed >>> 21;
    }

    private static int pack(int rune, int width) {
        return (width << 21) | rune;
    }

    /** Java string to UTF-8; an unpaired surrogate becomes U+FFFD, as Go's JSON decoder would make it. */
    static byte[] encode(String s) {
        ByteSink out = new ByteSink(s.length() + 8);
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            appendRune(out, cp);
        }
        return out.toByteArray();
    }

    /** Appends the UTF-8 form of {@code rune}; surrogates and out-of-range values become U+FFFD (Go's EncodeRune). */
    static void appendRune(ByteSink out, int rune) {
        if (rune < 0 || rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) {
            rune = REPLACEMENT;
        }
        if (rune < 0x80) {
            out.append((byte) rune);
        } else if (rune < 0x800) {
            out.append((byte) (0xC0 | (rune >> 6)));
            out.append((byte) (0x80 | (rune & 0x3F)));
        } else if (rune < 0x10000) {
            out.append((byte) (0xE0 | (rune >> 12)));
            out.append((byte) (0x80 | ((rune >> 6) & 0x3F)));
            out.append((byte) (0x80 | (rune & 0x3F)));
        } else {
            out.append((byte) (0xF0 | (rune >> 18)));
            out.append((byte) (0x80 | ((rune >> 12) & 0x3F)));
            out.append((byte) (0x80 | ((rune >> 6) & 0x3F)));
            out.append((byte) (0x80 | (rune & 0x3F)));
        }
    }

    /**
     * Bytes to a Java string. Each invalid byte becomes one U+FFFD, which is what Stash ends up with:
     * it feeds the substituted text to Go's {@code json.Unmarshal}, which replaces invalid bytes that way.
     */
    static String toJavaString(byte[] b, int length) {
        StringBuilder out = new StringBuilder(length);
        int pos = 0;
        while (pos < length) {
            int b0 = b[pos] & 0xFF;
            if (b0 < 0x80) {
                out.append((char) b0);
                pos++;
                continue;
            }
            int packed = decode(b, pos, length);
            out.appendCodePoint(rune(packed));
            pos += width(packed);
        }
        return out.toString();
    }

    static String toJavaString(byte[] b) {
        return toJavaString(b, b.length);
    }
}
