package io.stashflow.planner.envsubst;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scanner and parser with the token rules of gomodules.xyz/envsubst v0.2.0 (drone/envsubst v2).
 *
 * <p>The upstream scanner is stateful: a mode says which tokens may be recognised, an accept
 * predicate says which runes extend a text token (sometimes depending on the rune's byte offset in
 * the token), and escapes ({@code $$}, {@code \/}, {@code \\}) drop the escape character and take the
 * next one literally without testing it. Error texts depend on exactly which token showed up
 * where, so this class keeps the same state machine, including two quirks that change error texts:
 * <ul>
 *   <li>Choosing between {@code ${X:-d}} and {@code ${X:off}} steps back by the width of the rune
 *       after the colon rather than the colon's own width. A multi-byte rune there, or the end of
 *       input, therefore gives {@code bad substitution}.</li>
 *   <li>A NUL character reads as end of input, so top-level text stops at the first NUL.</li>
 * </ul>
 *
 * <p>Differences on purpose: positions are indexes into the original bytes (upstream rebuilds
 * its buffer for every escape, which is quadratic); the top-level loop is iterative rather than
 * recursive; and expressions may nest at most {@link #MAX_NESTING} deep, so that no input can
 * exhaust the Java stack.
 */
final class Parser {

    /** Deepest accepted nesting of {@code ${...}} inside arguments. Real templates use two or three. */
    static final int MAX_NESTING = 200;

    static final String BAD_SUBSTITUTION = "bad substitution";
    static final String MISSING_CLOSING_BRACE = "missing closing brace";
    static final String BAD_VARIABLE_NAME = "unable to parse variable name";
    static final String BAD_FUNCTION_ARGUMENT = "unable to parse substitution within function";
    static final String BAD_DEFAULT_FUNCTION = "unable to parse default function";

    private static final int EOF = 0;

    private static final int SCAN_TEXT = 1;
    private static final int SCAN_OPEN = 2;
    private static final int SCAN_CLOSE = 4;
    private static final int SCAN_ESCAPES = 8;

    private static final int ESCAPE_DOLLAR = 1;
    private static final int ESCAPE_BACKSLASH = 2;
    private static final int ESCAPE_ALL = ESCAPE_DOLLAR | ESCAPE_BACKSLASH;

    private enum Token { ILLEGAL, END, TEXT, OPEN, CLOSE }

    /** Which runes may extend a text token; {@code offset} is the byte offset just past the rune. */
    private enum Accept {
        ANY_RUNE {
            @Override
            boolean test(int r, int offset) {
                return true;
            }
        },
        NAME {
            @Override
            boolean test(int r, int offset) {
                return Character.isLetter(r) || Character.isDigit(r) || r == '_';
            }
        },
        COLONS {
            @Override
            boolean test(int r, int offset) {
                return r == ':';
            }
        },
        ONE_HASH {
            @Override
            boolean test(int r, int offset) {
                return r == '#' && offset == 1;
            }
        },
        NOT_CLOSE {
            @Override
            boolean test(int r, int offset) {
                return r != '}';
            }
        },
        HASH_OPERATOR {
            @Override
            boolean test(int r, int offset) {
                return r == '#' && offset < 3;
            }
        },
        PERCENT_OPERATOR {
            @Override
            boolean test(int r, int offset) {
                return r == '%' && offset < 3;
            }
        },
        DEFAULT_OPERATOR {
            @Override
            boolean test(int r, int offset) {
                return (offset == 1 && r == ':')
                        || (offset == 2 && (r == '=' || r == '-' || r == '?' || r == '+'));
            }
        },
        REPLACE_OPERATOR {
            @Override
            boolean test(int r, int offset) {
                return (offset == 1 && r == '/') || (offset == 2 && (r == '/' || r == '#' || r == '%'));
            }
        },
        ONE_EQUALS {
            @Override
            boolean test(int r, int offset) {
                return offset == 1 && r == '=';
            }
        },
        ONE_COLON {
            @Override
            boolean test(int r, int offset) {
                return offset == 1 && r == ':';
            }
        },
        NOT_COLON_OR_CLOSE {
            @Override
            boolean test(int r, int offset) {
                return r != ':' && r != '}';
            }
        },
        SLASHES {
            @Override
            boolean test(int r, int offset) {
                return r == '/';
            }
        },
        NOT_SLASH {
            @Override
            boolean test(int r, int offset) {
                return r != '/';
            }
        },
        CASING_OPERATOR {
            @Override
            boolean test(int r, int offset) {
                return (r == ',' || r == '^') && offset < 3;
            }
        };

        abstract boolean test(int r, int offset);
    }

    private final byte[] buf;
    private final WorkCounter counter;

    private int pos;
    private int start;
    private int width;
    private int mode;
    private int escapes;
    private Accept accept = Accept.ANY_RUNE;

    /** Indexes of escape characters dropped from the current token, in increasing order. */
    private int[] dropped = new int[4];
    private int droppedCount;

    private int nesting;

    private Parser(byte[] buf, WorkCounter counter) {
        this.buf = buf;
        this.counter = counter;
    }

    static Node parse(byte[] template, WorkCounter counter) throws EnvsubstException {
        return new Parser(template, counter).parseTemplate();
    }

    // ---------------------------------------------------------------- scanner

    private int read() {
        if (pos >= buf.length) {
            width = 0;
            return EOF;
        }
        int packed = Utf8.decode(buf, pos, buf.length);
        width = Utf8.width(packed);
        pos += width;
        counter.add(1);
        return Utf8.rune(packed);
    }

    private void unread() {
        pos -= width;
    }

    private int peek() {
        int r = read();
        unread();
        return r;
    }

    /** Drops the escape character just read and takes the (single-byte) character after it as is. */
    private void dropEscape() {
        if (droppedCount == dropped.length) {
            dropped = Arrays.copyOf(dropped, droppedCount * 2);
        }
        dropped[droppedCount++] = pos - 1;
        pos += 1;
    }

    private int tokenOffset() {
        return pos - start - droppedCount;
    }

    private byte[] tokenBytes() {
        if (droppedCount == 0) {
            return Arrays.copyOfRange(buf, start, pos);
        }
        ByteSink out = new ByteSink(pos - start);
        int from = start;
        for (int i = 0; i < droppedCount; i++) {
            out.append(buf, from, dropped[i]);
            from = dropped[i] + 1;
        }
        out.append(buf, from, pos);
        return out.toByteArray();
    }

    private String tokenString() {
        return Utf8.toJavaString(tokenBytes());
    }

    private Token scan() {
        start = pos;
        droppedCount = 0;
        int r = read();
        if (r == EOF) {
            return Token.END;
        }
        if (scanOpen(r)) {
            return Token.OPEN;
        }
        if ((mode & SCAN_CLOSE) != 0 && r == '}') {
            return Token.CLOSE;
        }
        if (scanText(r)) {
            return Token.TEXT;
        }
        return Token.ILLEGAL;
    }

    private boolean scanOpen(int r) {
        if ((mode & SCAN_OPEN) == 0 || r != '$') {
            return false;
        }
        if (read() == '{') {
            return true;
        }
        unread();
        return false;
    }

    private boolean isEscape(int r) {
        if ((mode & SCAN_ESCAPES) == 0) {
            return false;
        }
        if (r == '$' && (escapes & ESCAPE_DOLLAR) != 0) {
            return peek() == '$';
        }
        if (r == '\\' && (escapes & ESCAPE_BACKSLASH) != 0) {
            int next = peek();
            return next == '/' || next == '\\';
        }
        return false;
    }

    private boolean scanText(int first) {
        if ((mode & SCAN_TEXT) == 0) {
            return false;
        }
        if (isEscape(first)) {
            dropEscape();
        } else if (!accept.test(first, tokenOffset())) {
            return false;
        }
        while (true) {
            int r = read();
            if (r == EOF) {
                unread();
                return true;
            }
            if (scanOpen(r)) {
                // "${" ends the text; step back over both characters
                unread();
                unread();
                return true;
            }
            if (isEscape(r)) {
                dropEscape();
                continue;
            }
            if (!accept.test(r, tokenOffset())) {
                unread();
                return true;
            }
        }
    }

    private void expect(Accept accept, int mode) {
        this.accept = accept;
        this.mode = mode;
    }

    // ---------------------------------------------------------------- parser

    private Node parseTemplate() throws EnvsubstException {
        List<Node> items = new ArrayList<>();
        while (true) {
            expect(Accept.ANY_RUNE, SCAN_TEXT | SCAN_OPEN | SCAN_ESCAPES);
            escapes = ESCAPE_DOLLAR;
            switch (scan()) {
                case TEXT -> items.add(new Node.Text(tokenBytes()));
                case OPEN -> items.add(parseExpression());
                case END -> {
                    return items.size() == 1 ? items.get(0) : new Node.Sequence(List.copyOf(items));
                }
                default -> throw EnvsubstException.parse(BAD_SUBSTITUTION);
            }
        }
    }

    /** Parses what follows a {@code ${}. */
    private Node parseExpression() throws EnvsubstException {
        if (++nesting > MAX_NESTING) {
            throw EnvsubstException.parse("envsubst expressions nested more than " + MAX_NESTING
                    + " levels deep are not supported; flatten the template");
        }
        try {
            escapes = ESCAPE_ALL;
            if (peek() == '#') {
                return parseLength();
            }
            expect(Accept.NAME, SCAN_TEXT);
            if (scan() != Token.TEXT) {
                throw EnvsubstException.parse(BAD_VARIABLE_NAME);
            }
            String name = tokenString();
            switch (peek()) {
                case ':':
                    return parseDefaultOrSubstring(name);
                case '=':
                    return parseDefault(name);
                case ',':
                case '^':
                    return parseCasing(name);
                case '/':
                    return parseReplace(name);
                case '#':
                    return parseRemove(name, Accept.HASH_OPERATOR);
                case '%':
                    return parseRemove(name, Accept.PERCENT_OPERATOR);
                default:
                    break;
            }
            expect(Accept.NAME, SCAN_CLOSE);
            if (scan() == Token.CLOSE) {
                return new Node.Func(name, "", List.of());
            }
            throw EnvsubstException.parse(MISSING_CLOSING_BRACE);
        } finally {
            nesting--;
        }
    }

    /** One argument: either a nested {@code ${...}} or a run of text the accept predicate allows. */
    private Node parseArgument(Accept accept, int mode) throws EnvsubstException {
        expect(accept, mode | SCAN_OPEN);
        return switch (scan()) {
            case OPEN -> parseExpression();
            case TEXT, CLOSE -> new Node.Text(tokenBytes());
            default -> throw EnvsubstException.parse(BAD_FUNCTION_ARGUMENT);
        };
    }

    private String scanOperator(Accept accept, String error) throws EnvsubstException {
        expect(accept, SCAN_TEXT);
        if (scan() != Token.TEXT) {
            throw EnvsubstException.parse(error);
        }
        return tokenString();
    }

    private void consumeClose() throws EnvsubstException {
        mode = SCAN_CLOSE;
        if (scan() != Token.CLOSE) {
            throw EnvsubstException.parse(BAD_SUBSTITUTION);
        }
    }

    private Node parseDefaultOrSubstring(String name) throws EnvsubstException {
        // Upstream reads the colon, peeks, then steps back by the *peeked* rune's width.
        read();
        int next = peek();
        unread();
        if (next == '=' || next == '-' || next == '?' || next == '+') {
            return parseDefault(name);
        }
        return parseSubstring(name);
    }

    private Node parseSubstring(String name) throws EnvsubstException {
        String op = scanOperator(Accept.ONE_COLON, BAD_SUBSTITUTION);
        Node offset = parseArgument(Accept.NOT_COLON_OR_CLOSE, SCAN_TEXT);
        expect(Accept.COLONS, SCAN_TEXT | SCAN_CLOSE);
        switch (scan()) {
            case CLOSE:
                return new Node.Func(name, op, List.of(offset));
            case TEXT:
                break;
            default:
                throw EnvsubstException.parse(BAD_SUBSTITUTION);
        }
        Node length = parseArgument(Accept.NOT_CLOSE, SCAN_TEXT);
        consumeClose();
        return new Node.Func(name, op, List.of(offset, length));
    }

    private Node parseRemove(String name, Accept operator) throws EnvsubstException {
        String op = scanOperator(operator, BAD_SUBSTITUTION);
        Node pattern = parseArgument(Accept.NOT_CLOSE, SCAN_TEXT);
        consumeClose();
        return new Node.Func(name, op, List.of(pattern));
    }

    private Node parseReplace(String name) throws EnvsubstException {
        String op = scanOperator(Accept.REPLACE_OPERATOR, BAD_SUBSTITUTION);
        Node pattern = parseArgument(Accept.NOT_SLASH, SCAN_TEXT | SCAN_ESCAPES);
        expect(Accept.SLASHES, SCAN_TEXT);
        if (scan() != Token.TEXT) {
            throw EnvsubstException.parse(BAD_SUBSTITUTION);
        }
        if (peek() == '}') {
            consumeClose();
            return new Node.Func(name, op, List.of(pattern));
        }
        Node replacement = parseArgument(Accept.NOT_CLOSE, SCAN_TEXT | SCAN_ESCAPES);
        consumeClose();
        return new Node.Func(name, op, List.of(pattern, replacement));
    }

    private Node parseDefault(String name) throws EnvsubstException {
        Accept operator = peek() == '=' ? Accept.ONE_EQUALS : Accept.DEFAULT_OPERATOR;
        String op = scanOperator(operator, BAD_DEFAULT_FUNCTION);
        List<Node> parts = new ArrayList<>();
        while (peek() != '}') {
            parts.add(parseArgument(Accept.NOT_CLOSE, SCAN_TEXT));
        }
        consumeClose();
        return new Node.Func(name, op, List.copyOf(parts));
    }

    private Node parseCasing(String name) throws EnvsubstException {
        String op = scanOperator(Accept.CASING_OPERATOR, BAD_SUBSTITUTION);
        consumeClose();
        return new Node.Func(name, op, List.of());
    }

    private Node parseLength() throws EnvsubstException {
        String op = scanOperator(Accept.ONE_HASH, BAD_SUBSTITUTION);
        String name = scanOperator(Accept.NAME, BAD_SUBSTITUTION);
        consumeClose();
        return new Node.Func(name, op, List.of());
    }
}
