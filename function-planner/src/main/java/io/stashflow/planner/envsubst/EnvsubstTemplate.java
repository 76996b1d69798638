package io.stashflow.planner.envsubst;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A parsed envsubst template, reusable and safe to share between threads. Evaluation follows
 * gomodules.xyz/envsubst v0.2.0 {@code EvalMap}:
 * <ul>
 *   <li>a variable absent from the map fails the whole evaluation with
 *       {@code input/default value not found for key K}, unless the operator is {@code =},
 *       {@code :=} or {@code :-};</li>
 *   <li>with one of those three, a present variable is used as is, even when empty, and only an
 *       absent one takes the default;</li>
 *   <li>every argument is evaluated before its variable is looked up, so {@code ${A:=${B}}}
 *       fails when B is absent even if A is present.</li>
 * </ul>
 * Values are inserted verbatim and never re-scanned.
 *
 * <p>Strings are handled as UTF-8 bytes, as Go does: {@code ${#X}} counts bytes, and substring
 * offsets and lengths are byte offsets. When a substring cuts a character, each left-over byte
 * comes out as U+FFFD. That is what Stash ends up with too, because Go's JSON decoder replaces
 * invalid bytes the same way.
 */
public final class EnvsubstTemplate {

    private final Node root;
    private final Set<String> variableNames;
    private final Set<String> requiredVariableNames;

    private EnvsubstTemplate(Node root) {
        this.root = root;
        Set<String> all = new LinkedHashSet<>();
        Set<String> required = new LinkedHashSet<>();
        collectNames(root, all, required);
        this.variableNames = Collections.unmodifiableSet(all);
        this.requiredVariableNames = Collections.unmodifiableSet(required);
    }

    /** Parses {@code template}; fails with the upstream parse error text. */
    public static EnvsubstTemplate parse(String template) throws EnvsubstException {
        return parse(template, WorkCounter.NONE);
    }

    static EnvsubstTemplate parse(String template, WorkCounter counter) throws EnvsubstException {
        Objects.requireNonNull(template, "template");
        return new EnvsubstTemplate(Parser.parse(Utf8.encode(template), counter));
    }

    /**
     * Substitutes {@code values}. A key mapped to null counts as absent; a null map is an empty one.
     */
    public String eval(Map<String, String> values) throws EnvsubstException {
        return eval(values, WorkCounter.NONE);
    }

    String eval(Map<String, String> values, WorkCounter counter) throws EnvsubstException {
        Map<String, String> lookup = values == null ? Map.of() : values;
        ByteSink out = new ByteSink();
        evaluate(root, lookup, out, counter);
        counter.add(out.size());
        return Utf8.toJavaString(out.array(), out.size());
    }

    /** Every variable the template references, in order of first appearance. */
    public Set<String> variableNames() {
        return variableNames;
    }

    /**
     * The variables whose absence makes {@link #eval} fail: every reference except the variable of
     * a {@code =}, {@code :=} or {@code :-} expression (its default may still reference required ones).
     */
    public Set<String> requiredVariableNames() {
        return requiredVariableNames;
    }

    /**
     * Whether every reference to a variable that {@code variables} accepts inserts the variable's value unchanged,
     * as long as that value is not empty: each such variable is only the subject of an expression that keeps a
     * non-empty value as it is ({@code ${X}}, {@code ${X:=...}}, {@code ${X:-...}}, {@code ${X:+...}}, ...), and is
     * not referenced inside the arguments of an expression that transforms its subject (case, length, prefix or
     * suffix removal, substring, replacement), where it could steer what comes out.
     *
     * <p>When this holds, the text of such a variable's value only ends up in the output as a copy: evaluating with
     * a non-empty value {@code v} gives the output for any other non-empty value {@code w} once every copy of
     * {@code v} is replaced by {@code w} (given {@code v} occurs nowhere else), and an evaluation that fails, fails
     * with both values alike.
     */
    public boolean insertsUnchanged(Predicate<String> variables) {
        return insertsUnchanged(root, variables, false);
    }

    private static boolean insertsUnchanged(Node node, Predicate<String> variables, boolean insideTransform) {
        if (node instanceof Node.Sequence sequence) {
            for (Node item : sequence.items()) {
                if (!insertsUnchanged(item, variables, insideTransform)) {
                    return false;
                }
            }
            return true;
        }
        if (node instanceof Node.Func func) {
            boolean transforms = !Functions.keepsNonEmptyValue(func.op());
            if ((transforms || insideTransform) && variables.test(func.param())) {
                return false;
            }
            for (Node argument : func.args()) {
                if (!insertsUnchanged(argument, variables, insideTransform || transforms)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void evaluate(Node node, Map<String, String> values, ByteSink out, WorkCounter counter)
            throws EnvsubstException {
        if (node instanceof Node.Text text) {
            out.append(text.value());
        } else if (node instanceof Node.Sequence sequence) {
            for (Node item : sequence.items()) {
                evaluate(item, values, out, counter);
            }
        } else {
            Node.Func func = (Node.Func) node;
            byte[][] args = new byte[func.args().size()][];
            for (int i = 0; i < args.length; i++) {
                ByteSink argument = new ByteSink();
                evaluate(func.args().get(i), values, argument, counter);
                args[i] = argument.toByteArray();
            }
            String value = values.get(func.param());
            boolean defaultOperator = Functions.isDefaultOperator(func.op());
            if (value == null) {
                if (!defaultOperator) {
                    throw EnvsubstException.valueNotFound(func.param());
                }
                out.append(Functions.apply(func.op(), Utf8.EMPTY, args, func.param(), counter));
                return;
            }
            byte[] v = Utf8.encode(value);
            counter.add(v.length);
            if (defaultOperator) {
                out.append(v);
                return;
            }
            out.append(Functions.apply(func.op(), v, args, func.param(), counter));
        }
    }

    private static void collectNames(Node root, Set<String> all, Set<String> required) {
        // iterative, pre-order, so that names come out in source order
        Deque<Node> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            Node node = pending.pop();
            if (node instanceof Node.Sequence sequence) {
                pushReversed(pending, sequence.items());
            } else if (node instanceof Node.Func func) {
                all.add(func.param());
                if (!Functions.isDefaultOperator(func.op())) {
                    required.add(func.param());
                }
                pushReversed(pending, func.args());
            }
        }
    }

    private static void pushReversed(Deque<Node> pending, List<Node> nodes) {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            pending.push(nodes.get(i));
        }
    }
}
