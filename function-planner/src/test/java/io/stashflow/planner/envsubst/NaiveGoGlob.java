package io.stashflow.planner.envsubst;

/**
 * A deliberately literal re-statement of upstream's remove-pattern functions, for differential
 * testing only: try every byte prefix, call Match on each, stop or keep going exactly as upstream
 * does, and treat a malformed-pattern error as "return the value unchanged". Quadratic and slow on
 * purpose; {@link Glob} must agree with it on every input.
 */
final class NaiveGoGlob {

    private NaiveGoGlob() {
    }

    /** Thrown where Go's Match returns ErrBadPattern. */
    private static final class BadPattern extends Exception {
        BadPattern() {
            super(null, null, false, false);
        }
    }

    static byte[] trimShortest(byte[] s, byte[] pattern) {
        int shortest = -1;
        for (int i = 0; i < s.length; i++) {
            int k = s.length - i;
            try {
                if (match(pattern, 0, s, 0, k)) {
                    shortest = k;
                }
            } catch (BadPattern e) {
                return s;
            }
        }
        return shortest < 0 ? s : Functions.slice(s, shortest, s.length);
    }

    static byte[] trimLongest(byte[] s, byte[] pattern) {
        for (int i = 0; i < s.length; i++) {
            int k = s.length - i;
            try {
                if (match(pattern, 0, s, 0, k)) {
                    return Functions.slice(s, k, s.length);
                }
            } catch (BadPattern e) {
                return s;
            }
        }
        return s;
    }

    /** Match(pattern[pp:], name[np:nEnd]). */
    private static boolean match(byte[] pattern, int pp, byte[] name, int np, int nEnd) throws BadPattern {
        outer:
        while (pp < pattern.length) {
            boolean star = false;
            while (pp < pattern.length && pattern[pp] == '*') {
                pp++;
                star = true;
            }
            int chunkStart = pp;
            boolean inRange = false;
            int i = pp;
            scan:
            while (i < pattern.length) {
                switch (pattern[i]) {
                    case '\\' -> {
                        if (i + 1 < pattern.length) {
                            i++;
                        }
                    }
                    case '[' -> inRange = true;
                    case ']' -> inRange = false;
                    case '*' -> {
                        if (!inRange) {
                            break scan;
                        }
                    }
                    default -> {
                    }
                }
                i++;
            }
            int chunkEnd = i;
            pp = i;
            if (star && chunkEnd == chunkStart) {
                return true;
            }
            boolean lastChunk = pp >= pattern.length;
            int rest = matchChunk(pattern, chunkStart, chunkEnd, name, np, nEnd);
            if (rest >= 0 && (rest == nEnd || !lastChunk)) {
                np = rest;
                continue;
            }
            if (star) {
                for (int skip = 0; skip < nEnd - np; skip++) {
                    int r = matchChunk(pattern, chunkStart, chunkEnd, name, np + skip + 1, nEnd);
                    if (r >= 0) {
                        if (lastChunk && r < nEnd) {
                            continue;
                        }
                        np = r;
                        continue outer;
                    }
                }
            }
            return false;
        }
        return np == nEnd;
    }

    /** Returns where the match of chunk at name[np:nEnd] ends, or -1; throws on a bad pattern. */
    private static int matchChunk(byte[] chunk, int c, int cEnd, byte[] s, int p, int sEnd) throws BadPattern {
        while (c < cEnd) {
            if (p >= sEnd) {
                return -1;
            }
            switch (chunk[c]) {
                case '[' -> {
                    int packed = Utf8.decode(s, p, sEnd);
                    int r = Utf8.rune(packed);
                    p += Utf8.width(packed);
                    c++;
                    boolean notNegated = true;
                    if (c < cEnd && chunk[c] == '^') {
                        notNegated = false;
                        c++;
                    }
                    boolean matched = false;
                    int ranges = 0;
                    while (true) {
                        if (c < cEnd && chunk[c] == ']' && ranges > 0) {
                            c++;
                            break;
                        }
                        long lo = getEsc(chunk, c, cEnd);
                        c = (int) (lo >>> 32);
                        long hi = lo;
                        if (chunk[c] == '-') {
                            hi = getEsc(chunk, c + 1, cEnd);
                            c = (int) (hi >>> 32);
                        }
                        if ((int) lo <= r && r <= (int) hi) {
                            matched = true;
                        }
                        ranges++;
                    }
                    if (matched != notNegated) {
                        return -1;
                    }
                }
                case '?' -> {
                    p += Utf8.width(Utf8.decode(s, p, sEnd));
                    c++;
                }
                case '\\' -> {
                    c++;
                    if (c == cEnd) {
                        throw new BadPattern();
                    }
                    if (chunk[c] != s[p]) {
                        return -1;
                    }
                    p++;
                    c++;
                }
                default -> {
                    if (chunk[c] != s[p]) {
                        return -1;
                    }
                    p++;
                    c++;
                }
            }
        }
        return p;
    }

    private static long getEsc(byte[] chunk, int c, int cEnd) throws BadPattern {
        if (c >= cEnd || chunk[c] == '-' || chunk[c] == ']') {
            throw new BadPattern();
        }
        if (chunk[c] == '\\') {
            c++;
            if (c >= cEnd) {
                throw new BadPattern();
            }
        }
        int packed = Utf8.decode(chunk, c, cEnd);
        int r = Utf8.rune(packed);
        if (r == Utf8.REPLACEMENT && Utf8.width(packed) == 1) {
            throw new BadPattern();
        }
        int next = c + Utf8.width(packed);
        if (next >= cEnd) {
            throw new BadPattern();
        }
        return ((long) next << 32) | (r & 0xFFFFFFFFL);
    }
}
