package io.stashflow.planner.envsubst;

import java.util.Map;

/** Entry point: {@code gomodules.xyz/envsubst} v0.2.0 {@code EvalMap} semantics. */
public final class Envsubst {

    private Envsubst() {
    }

    /**
     * gomodules.xyz/envsubst v0.2.0 EvalMap semantics. A null map is an empty one and a key mapped
     * to null is absent; {@code input} must not be null.
     */
    public static String evalMap(String input, Map<String, String> values) throws EnvsubstException {
        return EnvsubstTemplate.parse(input).eval(values);
    }
}
