package io.stashflow.planner.envsubst;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The remove-pattern functions ({@code #}, {@code ##}, {@code %}, {@code %%}) and the glob dialect
 * they use: upstream's modified copy of Go's {@code path.Match}, where {@code *} and {@code ?} also
 * match {@code /} and a trailing {@code *} matches the rest of the name.
 *
 * <p>Upstream tries every byte prefix of the value, calling {@code Match} once per prefix and
 * keeping the shortest or longest match. That is quadratic in the value's length (times the
 * pattern's). This class computes the same answer for all prefixes together:
 * <ul>
 *   <li>{@code Match} splits the pattern into chunks at unbracketed stars and places each chunk at
 *       the leftmost position where it matches, never revisiting earlier chunks. For every chunk
 *       and every start position we compute once where a match starting there ends in the whole
 *       value. For a prefix of length k, the leftmost start whose match ends within k is then a
 *       segment-tree query.</li>
 *   <li>A prefix that ends inside a multi-byte character reads differently: the cut character
 *       decodes as U+FFFD, one byte at a time. Only matches that reach the cut character's first
 *       byte through {@code ?} or a class can change, and those start at most four bytes per
 *       pattern element before it, so for such prefixes that window is re-run directly.</li>
 *   <li>A malformed pattern makes {@code Match} fail or report an error whenever it reaches the
 *       bad element, so no prefix can ever match and the value is returned unchanged, which is
 *       what upstream returns in both cases.</li>
 * </ul>
 * The result is the same bytes Go produces, including cuts inside a character.
 */
final class Glob {

    private static final int LITERAL = 0;
    private static final int ANY = 1;
    private static final int CLASS = 2;

    /** One single-character pattern element. */
    private record Element(int kind, byte literal, boolean negated, int[] ranges) {

        boolean classContains(int r) {
            boolean inRange = false;
            for (int i = 0; i < ranges.length; i += 2) {
                if (ranges[i] <= r && r <= ranges[i + 1]) {
                    inRange = true;
                }
            }
            return inRange != negated;
        }
    }

    /** A run of elements between stars; {@code star} says whether stars preceded it. */
    private record Chunk(boolean star, Element[] elements) {
    }

    private final Chunk[] chunks;
    private final boolean trailingStar;
    private final boolean malformed;

    private Glob(Chunk[] chunks, boolean trailingStar, boolean malformed) {
        this.chunks = chunks;
        this.trailingStar = trailingStar;
        this.malformed = malformed;
    }

    // ------------------------------------------------------------------ the four functions

    static byte[] trimShortestPrefix(byte[] s, byte[] pattern, WorkCounter counter) {
        int k = compile(pattern).matchingPrefix(s, true, counter);
        return k < 0 ? s : Functions.slice(s, k, s.length);
    }

    static byte[] trimLongestPrefix(byte[] s, byte[] pattern, WorkCounter counter) {
        int k = compile(pattern).matchingPrefix(s, false, counter);
        return k < 0 ? s : Functions.slice(s, k, s.length);
    }

    /** Upstream reverses value and pattern rune by rune, trims a prefix, and reverses back. */
    static byte[] trimShortestSuffix(byte[] s, byte[] pattern, WorkCounter counter) {
        return reverseRunes(trimShortestPrefix(reverseRunes(s), reverseRunes(pattern), counter));
    }

    static byte[] trimLongestSuffix(byte[] s, byte[] pattern, WorkCounter counter) {
        return reverseRunes(trimLongestPrefix(reverseRunes(s), reverseRunes(pattern), counter));
    }

    /** Reverses the runes of {@code s}; as in Go's {@code []rune} conversion, each invalid byte becomes U+FFFD. */
    static byte[] reverseRunes(byte[] s) {
        int[] runes = new int[s.length];
        int count = 0;
        int pos = 0;
        while (pos < s.length) {
            int packed = Utf8.decode(s, pos, s.length);
            runes[count++] = Utf8.rune(packed);
            pos += Utf8.width(packed);
        }
        ByteSink out = new ByteSink(s.length + 8);
        for (int i = count - 1; i >= 0; i--) {
            Utf8.appendRune(out, runes[i]);
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ compiling

    static Glob compile(byte[] p) {
        List<Chunk> chunks = new ArrayList<>();
        boolean trailingStar = false;
        int pos = 0;
        while (pos < p.length) {
            boolean star = false;
            while (pos < p.length && p[pos] == '*') {
                pos++;
                star = true;
            }
            int end = chunkEnd(p, pos);
            if (star && end == pos) {
                trailingStar = true;
                break;
            }
            Element[] elements = parseChunk(p, pos, end);
            if (elements == null) {
                return new Glob(new Chunk[0], false, true);
            }
            chunks.add(new Chunk(star, elements));
            pos = end;
        }
        return new Glob(chunks.toArray(new Chunk[0]), trailingStar, false);
    }

    /** Where the chunk starting at {@code from} ends: the first star outside brackets, or the end. */
    private static int chunkEnd(byte[] p, int from) {
        boolean inRange = false;
        int i = from;
        while (i < p.length) {
            byte c = p[i];
            if (c == '\\') {
                if (i + 1 < p.length) {
                    i++;
                }
            } else if (c == '[') {
                inRange = true;
            } else if (c == ']') {
                inRange = false;
            } else if (c == '*' && !inRange) {
                break;
            }
            i++;
        }
        return i;
    }

    /** The chunk's elements, or null when it holds an element Go reports as a bad pattern. */
    private static Element[] parseChunk(byte[] p, int from, int to) {
        List<Element> elements = new ArrayList<>();
        int q = from;
        while (q < to) {
            byte c = p[q];
            if (c == '[') {
                q++;
                boolean negated = false;
                if (q < to && p[q] == '^') {
                    negated = true;
                    q++;
                }
                int[] ranges = new int[8];
                int count = 0;
                while (true) {
                    if (q < to && p[q] == ']' && count > 0) {
                        q++;
                        break;
                    }
                    long lo = classChar(p, q, to);
                    if (lo < 0) {
                        return null;
                    }
                    q = (int) (lo >>> 32);
                    int low = (int) lo;
                    int high = low;
                    if (p[q] == '-') {
                        long hi = classChar(p, q + 1, to);
                        if (hi < 0) {
                            return null;
                        }
                        q = (int) (hi >>> 32);
                        high = (int) hi;
                    }
                    if (count + 2 > ranges.length) {
                        ranges = Arrays.copyOf(ranges, ranges.length * 2);
                    }
                    ranges[count++] = low;
                    ranges[count++] = high;
                }
                elements.add(new Element(CLASS, (byte) 0, negated, Arrays.copyOf(ranges, count)));
            } else if (c == '?') {
                elements.add(new Element(ANY, (byte) 0, false, null));
                q++;
            } else if (c == '\\') {
                q++;
                if (q == to) {
                    return null;
                }
                elements.add(new Element(LITERAL, p[q], false, null));
                q++;
            } else {
                elements.add(new Element(LITERAL, c, false, null));
                q++;
            }
        }
        return elements.toArray(new Element[0]);
    }

    /**
     * A possibly escaped character inside brackets, packed as (next position << 32 | rune), or -1
     * where Go's getEsc fails: nothing left, an unescaped '-' or ']', an invalid byte, or no byte
     * after the character (the class can never be closed).
     */
    private static long classChar(byte[] p, int q, int to) {
        if (q >= to || p[q] == '-' || p[q] == ']') {
            return -1;
        }
        if (p[q] == '\\') {
            q++;
            if (q >= to) {
                return -1;
            }
        }
        int packed = Utf8.decode(p, q, to);
        int r = Utf8.rune(packed);
        if (r == Utf8.REPLACEMENT && Utf8.width(packed) == 1) {
            return -1;
        }
        int next = q + Utf8.width(packed);
        if (next >= to) {
            return -1;
        }
        return ((long) next << 32) | (r & 0xFFFFFFFFL);
    }

    // ------------------------------------------------------------------ matching

    /**
     * The length of the shortest (or longest) non-empty prefix of {@code s} that the pattern
     * matches, or -1 if none does.
     */
    int matchingPrefix(byte[] s, boolean shortest, WorkCounter counter) {
        if (malformed || s.length == 0) {
            return -1;
        }
        PrefixMatcher matcher = new PrefixMatcher(s, counter);
        if (shortest) {
            for (int k = 1; k <= s.length; k++) {
                if (matcher.matches(k)) {
                    return k;
                }
            }
        } else {
            for (int k = s.length; k >= 1; k--) {
                if (matcher.matches(k)) {
                    return k;
                }
            }
        }
        return -1;
    }

    /** Answers "does the pattern match s[0:k]?" for any k, with per-chunk tables built once. */
    private final class PrefixMatcher {

        private static final int NO_MATCH = Integer.MAX_VALUE;

        private final byte[] s;
        private final WorkCounter counter;
        /** Per chunk: where a match starting at j ends in the whole of s, or NO_MATCH. */
        private final int[][] fullEnd;
        /** Per chunk: segment tree of minimum fullEnd, to find the leftmost start ending within k. */
        private final int[][] minTree;
        /** For the last chunk: for each end position, the largest start whose full match ends there. */
        private final int[] lastStartEndingAt;
        private final int treeSize;

        PrefixMatcher(byte[] s, WorkCounter counter) {
            this.s = s;
            this.counter = counter;
            int n = s.length;
            int size = 1;
            while (size < n + 1) {
                size <<= 1;
            }
            treeSize = size;
            fullEnd = new int[chunks.length][];
            minTree = new int[chunks.length][];
            int last = lastRealChunk();
            int[] endingAt = null;
            for (int t = 0; t < chunks.length; t++) {
                if (!chunks[t].star()) {
                    continue; // only the first chunk can lack a star; it is tried at 0 only
                }
                int[] ends = new int[n + 1];
                for (int j = 0; j <= n; j++) {
                    int e = run(chunks[t].elements(), j, n);
                    ends[j] = e < 0 ? NO_MATCH : e;
                }
                fullEnd[t] = ends;
                minTree[t] = buildMinTree(ends);
                if (t == last) {
                    endingAt = new int[n + 1];
                    Arrays.fill(endingAt, -1);
                    for (int j = 0; j <= n; j++) {
                        if (ends[j] != NO_MATCH) {
                            endingAt[ends[j]] = Math.max(endingAt[ends[j]], j);
                        }
                    }
                }
            }
            lastStartEndingAt = endingAt;
        }

        /** The chunk that must end exactly at the end of the name, or -1 when a trailing star follows. */
        private int lastRealChunk() {
            return trailingStar ? -1 : chunks.length - 1;
        }

        boolean matches(int k) {
            int cut = cutRuneStart(k);
            int last = lastRealChunk();
            int cur = 0;
            for (int t = 0; t < chunks.length; t++) {
                Chunk chunk = chunks[t];
                if (t == last) {
                    return endsExactlyAt(t, chunk, cur, k, cut);
                }
                long found = leftmostMatch(t, chunk, cur, k, cut);
                if (found < 0) {
                    return false;
                }
                cur = (int) found;
            }
            // every chunk placed and a trailing star (or no pattern at all) remains
            return trailingStar || cur == k;
        }

        /**
         * If k falls inside a multi-byte character of s, the index of that character's first byte;
         * otherwise -1. Inside s[0:k] that character no longer decodes.
         */
        private int cutRuneStart(int k) {
            for (int p = Math.max(0, k - 3); p < k; p++) {
                if (Utf8.width(Utf8.decode(s, p, s.length)) > k - p) {
                    return p;
                }
            }
            return -1;
        }

        /** First start in the window that only a direct run on s[0:k] can judge. */
        private int windowStart(Chunk chunk, int cut) {
            return Math.max(0, cut - 4 * chunk.elements().length);
        }

        /** Leftmost placement of a non-final chunk in s[0:k] from {@code cur}; returns its end or -1. */
        private long leftmostMatch(int t, Chunk chunk, int cur, int k, int cut) {
            if (!chunk.star()) {
                return run(chunk.elements(), cur, k);
            }
            int j = leftmostEndingWithin(minTree[t], cur, k);
            if (cut >= 0) {
                int stop = j < 0 ? cut : Math.min(j - 1, cut);
                for (int start = Math.max(cur, windowStart(chunk, cut)); start <= stop; start++) {
                    int e = run(chunk.elements(), start, k);
                    if (e >= 0) {
                        return e;
                    }
                }
            }
            return j < 0 ? -1 : fullEnd[t][j];
        }

        /** Whether the final chunk, placed at some start from {@code cur} (or at cur only), ends exactly at k. */
        private boolean endsExactlyAt(int t, Chunk chunk, int cur, int k, int cut) {
            if (!chunk.star()) {
                return run(chunk.elements(), cur, k) == k;
            }
            if (lastStartEndingAt[k] >= cur) {
                return true;
            }
            if (cut >= 0) {
                for (int start = Math.max(cur, windowStart(chunk, cut)); start <= cut; start++) {
                    if (run(chunk.elements(), start, k) == k) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Matches the elements against s[start:limit] as Go's matchChunk does; returns the end, or -1. */
        private int run(Element[] elements, int start, int limit) {
            int p = start;
            for (Element element : elements) {
                counter.add(1);
                if (p >= limit) {
                    return -1;
                }
                if (element.kind() == LITERAL) {
                    if (s[p] != element.literal()) {
                        return -1;
                    }
                    p++;
                } else {
                    int packed = Utf8.decode(s, p, limit);
                    p += Utf8.width(packed);
                    if (element.kind() == CLASS && !element.classContains(Utf8.rune(packed))) {
                        return -1;
                    }
                }
            }
            return p;
        }

        private int[] buildMinTree(int[] values) {
            int[] tree = new int[2 * treeSize];
            Arrays.fill(tree, NO_MATCH);
            System.arraycopy(values, 0, tree, treeSize, values.length);
            for (int i = treeSize - 1; i >= 1; i--) {
                tree[i] = Math.min(tree[2 * i], tree[2 * i + 1]);
            }
            return tree;
        }

        /** Smallest index j >= from whose value is <= bound, or -1. */
        private int leftmostEndingWithin(int[] tree, int from, int bound) {
            return descend(tree, 1, 0, treeSize - 1, from, bound);
        }

        private int descend(int[] tree, int node, int lo, int hi, int from, int bound) {
            if (hi < from || tree[node] > bound) {
                return -1;
            }
            counter.add(1);
            if (lo == hi) {
                return lo;
            }
            int mid = (lo + hi) >>> 1;
            int left = descend(tree, 2 * node, lo, mid, from, bound);
            if (left >= 0) {
                return left;
            }
            return descend(tree, 2 * node + 1, mid + 1, hi, from, bound);
        }
    }
}
