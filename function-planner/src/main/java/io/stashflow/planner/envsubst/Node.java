package io.stashflow.planner.envsubst;

import java.util.List;

/** Parse tree of a template. */
sealed interface Node permits Node.Text, Node.Func, Node.Sequence {

    /** Literal bytes, with escapes already resolved. */
    record Text(byte[] value) implements Node {
    }

    /**
     * One {@code ${...}} expression: the variable {@code param}, the operator exactly as written
     * ({@code ""} for a plain {@code ${X}}, {@code ":="}, {@code "##"}, {@code "/%"}, ...) and its arguments.
     */
    record Func(String param, String op, List<Node> args) implements Node {
    }

    /** Nodes evaluated one after the other and concatenated. */
    record Sequence(List<Node> items) implements Node {
    }
}
