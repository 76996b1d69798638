package io.stashflow.executor.local;

import java.util.Map;

/**
 * Kubernetes' {@code $(VAR_NAME)} expansion in command, args and env values, so a plan behaves the same on both
 * runtimes: a reference to a variable defined earlier is replaced by its value, {@code $$} escapes a {@code $}, and a
 * reference to an unknown variable stays as written (the kubelet does the same).
 */
public final class DependentVariables {

    private DependentVariables() {
    }

    public static String expand(String input, Map<String, String> vars) {
        if (input == null || input.indexOf('$') < 0) {
            return input;
        }
        StringBuilder out = new StringBuilder(input.length());
        int i = 0;
        while (i < input.length()) {
            char c = input.charAt(i);
            if (c != '$' || i + 1 >= input.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = input.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '(') {
                int close = input.indexOf(')', i + 2);
                if (close < 0) {
                    out.append(input, i, input.length());
                    break;
                }
                String name = input.substring(i + 2, close);
                String value = vars.get(name);
                out.append(value != null ? value : input.substring(i, close + 1));
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
