package io.stashflow.service.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus text exposition format, version 0.0.4: what {@code /metrics} serves and what a Pushgateway accepts.
 *
 * <p>The parser reads what Stashflow and the Pushgateway write (comments, {@code # HELP}, {@code # TYPE}, samples with
 * optional timestamps, escaped label values). It is used by tests and by tools that read a Pushgateway back; it does
 * not validate the full grammar.
 */
public final class PrometheusTextFormat {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusTextFormat() {
    }

    public static String write(List<MetricFamily> families) {
        StringBuilder out = new StringBuilder();
        for (MetricFamily family : families) {
            write(family, out);
        }
        return out.toString();
    }

    public static void write(MetricFamily family, StringBuilder out) {
        out.append("# HELP ").append(family.name()).append(' ').append(escapeHelp(family.help())).append('\n');
        out.append("# TYPE ").append(family.name()).append(' ').append(family.type().text()).append('\n');
        for (Sample sample : family.samples()) {
            out.append(family.name());
            if (!sample.labels().isEmpty()) {
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, String> label : sample.labels().entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    out.append(label.getKey()).append("=\"").append(escapeLabel(label.getValue())).append('"');
                }
                out.append('}');
            }
            out.append(' ').append(formatValue(sample.value())).append('\n');
        }
    }

    static String formatValue(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    private static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String escapeLabel(String value) {
        return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"");
    }

    /** Parses exposition text into families, in order of first appearance. */
    public static List<MetricFamily> parse(String text) {
        Map<String, String> help = new LinkedHashMap<>();
        Map<String, MetricFamily.Type> types = new LinkedHashMap<>();
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        for (String rawLine : text.split("\n")) {
            String line = rawLine.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split("\\s+", 4);
                if (parts.length >= 3 && parts[1].equals("HELP")) {
                    help.put(parts[2], parts.length == 4 ? parts[3].replace("\\n", "\n").replace("\\\\", "\\") : "");
                    samples.computeIfAbsent(parts[2], k -> new ArrayList<>());
                } else if (parts.length >= 4 && parts[1].equals("TYPE")) {
                    types.put(parts[2], switch (parts[3]) {
                        case "counter" -> MetricFamily.Type.COUNTER;
                        case "gauge" -> MetricFamily.Type.GAUGE;
                        default -> MetricFamily.Type.UNTYPED;
                    });
                    samples.computeIfAbsent(parts[2], k -> new ArrayList<>());
                }
                continue;
            }
            parseSample(line, samples);
        }
        List<MetricFamily> families = new ArrayList<>();
        for (Map.Entry<String, List<Sample>> e : samples.entrySet()) {
            families.add(new MetricFamily(e.getKey(), help.get(e.getKey()),
                    types.getOrDefault(e.getKey(), MetricFamily.Type.UNTYPED), e.getValue()));
        }
        return families;
    }

    private static void parseSample(String line, Map<String, List<Sample>> samples) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && !Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (i < line.length() && line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String labelName = line.substring(i, eq).strip();
                int j = eq + 1;
                if (line.charAt(j) != '"') {
                    throw new IllegalArgumentException("label value of " + labelName + " is not quoted in: " + line);
                }
                j++;
                StringBuilder value = new StringBuilder();
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(j + 1);
                        value.append(next == 'n' ? '\n' : next);
                        j += 2;
                    } else {
                        value.append(c);
                        j++;
                    }
                }
                labels.put(labelName, value.toString());
                i = j + 1;
                while (i < line.length() && (line.charAt(i) == ',' || Character.isWhitespace(line.charAt(i)))) {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(i).strip().split("\\s+");
        double value = switch (rest[0]) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(rest[0]);
        };
        samples.computeIfAbsent(name, k -> new ArrayList<>()).add(new Sample(labels, value));
    }

    /** The family with this name, if the list has it. */
    public static java.util.Optional<MetricFamily> find(List<MetricFamily> families, String name) {
        return families.stream().filter(f -> f.name().equals(name)).findFirst();
    }
}
