package io.stashflow.planner.envsubst;

import java.nio.charset.StandardCharsets;

/**
 * The substitution functions of gomodules.xyz/envsubst v0.2.0, on UTF-8 bytes. {@code v} is
 * the variable's value and is always valid UTF-8 (it comes from a Java string); arguments are
 * results of evaluating template fragments and may hold any bytes, because a substring can cut a
 * character in two.
 */
final class Functions {

    private Functions() {
    }

    /** Operators for which EvalMap tolerates an absent variable and, for a present one, drops the arguments. */
    static boolean isDefaultOperator(String op) {
        return op.equals("=") || op.equals(":=") || op.equals(":-");
    }

    /**
     * Whether {@link #apply} returns a non-empty value unchanged, whatever the arguments: true for the default
     * operators and for every name {@code apply} hands to the default function (a plain {@code ${X}},
     * {@code ${X-...}}, {@code ${X:?...}}, {@code ${X:+...}}, ...); false for the case, length, prefix and suffix
     * removal, substring and replacement functions. Keep in step with the cases of {@link #apply}.
     */
    static boolean keepsNonEmptyValue(String op) {
        return switch (op) {
            case ",", ",,", "^", "^^", "#", "##", "%", "%%", ":", "/#", "/%", "/", "//" -> false;
            default -> true;
        };
    }

    /**
     * Applies the function named by {@code op} the way upstream's lookup does; unknown names
     * (a plain {@code ${X}}, {@code :?}, {@code :+}, {@code ^,}) fall back to the default function.
     */
    static byte[] apply(String op, byte[] v, byte[][] args, String param, WorkCounter counter)
            throws EnvsubstException {
        return switch (op) {
            case "," -> mapFirstRune(v, false);
            case ",," -> mapAllRunes(v, false, counter);
            case "^" -> mapFirstRune(v, true);
            case "^^" -> mapAllRunes(v, true, counter);
            case "#" -> args.length == 0 ? length(v) : Glob.trimShortestPrefix(v, args[0], counter);
            case "##" -> args.length == 0 ? v : Glob.trimLongestPrefix(v, args[0], counter);
            case "%" -> args.length == 0 ? v : Glob.trimShortestSuffix(v, args[0], counter);
            case "%%" -> args.length == 0 ? v : Glob.trimLongestSuffix(v, args[0], counter);
            case ":" -> substring(v, args, param);
            case "/#" -> replacePrefix(v, args);
            case "/%" -> replaceSuffix(v, args);
            case "/" -> args.length == 0 ? v : replace(v, args[0], args.length > 1 ? args[1] : Utf8.EMPTY, true, counter);
            case "//" -> args.length == 0 ? v : replace(v, args[0], args.length > 1 ? args[1] : Utf8.EMPTY, false, counter);
            default -> orDefault(v, args);
        };
    }

    static byte[] orDefault(byte[] v, byte[][] args) {
        if (v.length == 0 && args.length > 0) {
            return concat(args);
        }
        return v;
    }

    static byte[] length(byte[] v) {
        return Integer.toString(v.length).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] mapFirstRune(byte[] v, boolean upper) {
        if (v.length == 0) {
            return v;
        }
        int packed = Utf8.decode(v, 0, v.length);
        int r = Utf8.rune(packed);
        ByteSink out = new ByteSink(v.length + 4);
        Utf8.appendRune(out, upper ? Character.toUpperCase(r) : Character.toLowerCase(r));
        out.append(v, Utf8.width(packed), v.length);
        return out.toByteArray();
    }

    private static byte[] mapAllRunes(byte[] v, boolean upper, WorkCounter counter) {
        ByteSink out = new ByteSink(v.length + 4);
        int pos = 0;
        while (pos < v.length) {
            int packed = Utf8.decode(v, pos, v.length);
            int r = Utf8.rune(packed);
            Utf8.appendRune(out, upper ? Character.toUpperCase(r) : Character.toLowerCase(r));
            pos += Utf8.width(packed);
        }
        counter.add(v.length);
        return out.toByteArray();
    }

    /**
     * {@code ${X:off}} and {@code ${X:off:len}} with byte offsets. Where Go would panic (a
     * negative length, or an offset plus length beyond the int64 range) this throws instead.
     */
    static byte[] substring(byte[] v, byte[][] args, String param) throws EnvsubstException {
        if (args.length == 0) {
            return v;
        }
        Long offset = parseGoInt(args[0]);
        if (offset == null) {
            return v;
        }
        long from = offset;
        if (from < 0) {
            from = Math.max(0, v.length + from);
        }
        if (args.length == 1) {
            return from < v.length ? slice(v, (int) from, v.length) : Utf8.EMPTY;
        }
        Long parsedLength = parseGoInt(args[1]);
        if (parsedLength == null) {
            return v;
        }
        long length = parsedLength;
        long end;
        try {
            end = Math.addExact(from, length);
        } catch (ArithmeticException overflow) {
            throw EnvsubstException.badArgument("substring of ${" + param + "}: offset " + from
                    + " plus length " + length + " overflows a 64-bit integer (upstream envsubst panics);"
                    + " use a length no larger than the value");
        }
        if (end >= v.length) {
            return from < v.length ? slice(v, (int) from, v.length) : Utf8.EMPTY;
        }
        if (length < 0) {
            throw EnvsubstException.badArgument("substring of ${" + param + "}: length " + length
                    + " is negative (upstream envsubst panics on it); use a length of 0 or more");
        }
        return slice(v, (int) from, (int) end);
    }

    /**
     * Go's {@code strconv.Atoi} on a 64-bit platform: an optional sign and ASCII digits only, no
     * spaces or underscores, within the int64 range. Returns null where Atoi reports an error.
     */
    static Long parseGoInt(byte[] text) {
        int i = 0;
        if (text.length > 0 && (text[0] == '+' || text[0] == '-')) {
            i = 1;
        }
        if (i == text.length) {
            return null;
        }
        for (int j = i; j < text.length; j++) {
            if (text[j] < '0' || text[j] > '9') {
                return null;
            }
        }
        try {
            return Long.parseLong(new String(text, StandardCharsets.US_ASCII));
        } catch (NumberFormatException outOfRange) {
            return null;
        }
    }

    private static byte[] replacePrefix(byte[] v, byte[][] args) {
        if (args.length != 2 || !startsWith(v, args[0])) {
            return v;
        }
        ByteSink out = new ByteSink(v.length + args[1].length);
        out.append(args[1]);
        out.append(v, args[0].length, v.length);
        return out.toByteArray();
    }

    private static byte[] replaceSuffix(byte[] v, byte[][] args) {
        if (args.length != 2 || !endsWith(v, args[0])) {
            return v;
        }
        ByteSink out = new ByteSink(v.length + args[1].length);
        out.append(v, 0, v.length - args[0].length);
        out.append(args[1]);
        return out.toByteArray();
    }

    /**
     * Go's {@code strings.Replace} with n = 1 or n = -1: literal, byte-wise, non-overlapping,
     * leftmost first. An empty {@code old} matches before every rune and at the end.
     */
    static byte[] replace(byte[] s, byte[] old, byte[] replacement, boolean firstOnly, WorkCounter counter) {
        if (old.length == 0) {
            ByteSink out = new ByteSink(s.length + replacement.length * 2);
            out.append(replacement);
            if (firstOnly) {
                out.append(s);
                return out.toByteArray();
            }
            int pos = 0;
            while (pos < s.length) {
                int w = Utf8.width(Utf8.decode(s, pos, s.length));
                out.append(s, pos, pos + w);
                out.append(replacement);
                pos += w;
            }
            counter.add(s.length);
            return out.toByteArray();
        }
        int[] failure = failureTable(old);
        int at = indexOf(s, 0, old, failure, counter);
        if (at < 0) {
            return s;
        }
        ByteSink out = new ByteSink(s.length + replacement.length);
        int from = 0;
        while (at >= 0) {
            out.append(s, from, at);
            out.append(replacement);
            from = at + old.length;
            at = firstOnly ? -1 : indexOf(s, from, old, failure, counter);
        }
        out.append(s, from, s.length);
        return out.toByteArray();
    }

    /** Knuth–Morris–Pratt failure function, so that every search is linear. */
    private static int[] failureTable(byte[] needle) {
        int[] failure = new int[needle.length];
        int k = 0;
        for (int i = 1; i < needle.length; i++) {
            while (k > 0 && needle[i] != needle[k]) {
                k = failure[k - 1];
            }
            if (needle[i] == needle[k]) {
                k++;
            }
            failure[i] = k;
        }
        return failure;
    }

    private static int indexOf(byte[] hay, int from, byte[] needle, int[] failure, WorkCounter counter) {
        int k = 0;
        for (int i = from; i < hay.length; i++) {
            while (k > 0 && hay[i] != needle[k]) {
                k = failure[k - 1];
            }
            if (hay[i] == needle[k]) {
                k++;
            }
            if (k == needle.length) {
                counter.add(i + 1 - from);
                return i + 1 - needle.length;
            }
        }
        counter.add(hay.length - from);
        return -1;
    }

    static boolean startsWith(byte[] s, byte[] prefix) {
        if (prefix.length > s.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (s[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    static boolean endsWith(byte[] s, byte[] suffix) {
        int offset = s.length - suffix.length;
        if (offset < 0) {
            return false;
        }
        for (int i = 0; i < suffix.length; i++) {
            if (s[offset + i] != suffix[i]) {
                return false;
            }
        }
        return true;
    }

    static byte[] slice(byte[] s, int from, int to) {
        byte[] out = new byte[to - from];
        System.arraycopy(s, from, out, 0, out.length);
        return out;
    }

    static byte[] concat(byte[][] parts) {
        int total = 0;
        for (byte[] part : parts) {
            total += part.length;
        }
        ByteSink out = new ByteSink(total);
        for (byte[] part : parts) {
            out.append(part);
        }
        return out.toByteArray();
    }
}
