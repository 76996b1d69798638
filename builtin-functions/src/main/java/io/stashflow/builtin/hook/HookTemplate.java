package io.stashflow.builtin.hook;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Renders the subset of Go's {@code text/template} that Stash hooks use over the {@link HookSummary}: actions that
 * print one field, {@code {{ .Name }}}, {@code {{ .Namespace }}}, {@code {{ .Invoker.Kind }}},
 * {@code {{ .Invoker.Name }}}, {@code {{ .Target.Kind }}}, {@code {{ .Target.Name }}}, {@code {{ .Target.Namespace }}},
 * {@code {{ .Status.Phase }}}, {@code {{ .Status.Duration }}}, {@code {{ .Status.Error }}} and
 * {@code {{ .RetryLeft }}}, with Go's trim markers ({@code {{- } and { -}}}).
 *
 * <p>Like Go with {@code missingkey=default}, an empty field prints as an empty string and {@code RetryLeft}
 * prints as a number. Field names are case-sensitive, as in Go. Anything else (pipelines, functions,
 * {@code if}/{@code range}, comments, other fields) is refused with a {@link HookTemplateException} that names the
 * action and lists what is supported, instead of being passed through or guessed.
 */
public final class HookTemplate {

    private static final Map<String, Function<HookSummary, String>> FIELDS = fields();

    private HookTemplate() {
    }

    private static Map<String, Function<HookSummary, String>> fields() {
        Map<String, Function<HookSummary, String>> fields = new LinkedHashMap<>();
        fields.put(".Name", HookSummary::name);
        fields.put(".Namespace", HookSummary::namespace);
        fields.put(".Invoker.Kind", s -> s.invoker().kind());
        fields.put(".Invoker.Name", s -> s.invoker().name());
        fields.put(".Target.Kind", s -> s.target().kind());
        fields.put(".Target.Name", s -> s.target().name());
        fields.put(".Target.Namespace", s -> s.target().namespace());
        fields.put(".Status.Phase", s -> s.status().phase());
        fields.put(".Status.Duration", s -> s.status().duration());
        fields.put(".Status.Error", s -> s.status().error());
        fields.put(".RetryLeft", s -> Integer.toString(s.retryLeft()));
        return Map.copyOf(fields);
    }

    /** Whether the text contains an action at all (Stash renders only then). */
    public static boolean isTemplate(String text) {
        return text != null && text.contains("{{");
    }

    /**
     * @param where names the rendered value in error messages, e.g. {@code exec.command[1]}
     * @throws HookTemplateException for an unclosed or unsupported action
     */
    public static String render(String template, HookSummary summary, String where) {
        StringBuilder out = new StringBuilder();
        int position = 0;
        while (true) {
            int open = template.indexOf("{{", position);
            if (open < 0) {
                out.append(template, position, template.length());
                return out.toString();
            }
            int close = template.indexOf("}}", open + 2);
            if (close < 0) {
                throw new HookTemplateException(where + ": unclosed action starting at character " + open
                        + "; close it with }}");
            }
            String body = template.substring(open + 2, close);
            boolean trimLeft = body.length() >= 2 && body.charAt(0) == '-' && Character.isWhitespace(body.charAt(1));
            boolean trimRight = body.length() >= 2 && body.charAt(body.length() - 1) == '-'
                    && Character.isWhitespace(body.charAt(body.length() - 2));
            String text = template.substring(position, open);
            out.append(trimLeft ? stripTrailingWhitespace(text) : text);
            String action = body.substring(trimLeft ? 1 : 0, body.length() - (trimRight ? 1 : 0)).strip();
            out.append(value(action, summary, where));
            position = close + 2;
            if (trimRight) {
                while (position < template.length() && Character.isWhitespace(template.charAt(position))) {
                    position++;
                }
            }
        }
    }

    private static String value(String action, HookSummary summary, String where) {
        Function<HookSummary, String> field = FIELDS.get(action);
        if (field == null) {
            throw new HookTemplateException(where + ": the template action {{ " + action + " }} is not supported;"
                    + " Stashflow renders single fields only: " + String.join(", ", FIELDS.keySet().stream().sorted()
                    .map(f -> "{{ " + f + " }}").toList()));
        }
        String value = field.apply(summary);
        return value == null ? "" : value;
    }

    private static String stripTrailingWhitespace(String text) {
        int end = text.length();
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    /** A hook template Stashflow cannot render. */
    public static final class HookTemplateException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public HookTemplateException(String message) {
            super(message);
        }
    }
}
