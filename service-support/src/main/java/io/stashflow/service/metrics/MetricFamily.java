package io.stashflow.service.metrics;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One Prometheus metric family: a name, its help text, its type and its samples. Immutable.
 *
 * <p>Stashflow only produces {@code counter} and {@code gauge} families (and {@code untyped} when reading text that
 * declares no type), so samples carry no suffixes such as {@code _bucket}.
 */
public record MetricFamily(String name, String help, Type type, List<Sample> samples) {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    public enum Type {
        COUNTER, GAUGE, UNTYPED;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public MetricFamily {
        Objects.requireNonNull(name, "name");
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a valid Prometheus metric name");
        }
        help = help == null ? "" : help;
        Objects.requireNonNull(type, "type");
        samples = List.copyOf(samples);
    }

    public static MetricFamily gauge(String name, String help, List<Sample> samples) {
        return new MetricFamily(name, help, Type.GAUGE, samples);
    }

    public static MetricFamily counter(String name, String help, List<Sample> samples) {
        return new MetricFamily(name, help, Type.COUNTER, samples);
    }

    /** The same family under another name (Stash pushes every family twice: new and legacy name). */
    public MetricFamily renamed(String newName) {
        return new MetricFamily(newName, help, type, samples);
    }
}
