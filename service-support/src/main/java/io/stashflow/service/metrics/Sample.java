package io.stashflow.service.metrics;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One sample of a family: its labels and value. Labels are kept sorted by name, so two samples with the same labels
 * are equal whatever order the labels were given in.
 */
public record Sample(Map<String, String> labels, double value) {

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    public Sample {
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!LABEL_NAME.matcher(e.getKey()).matches() || e.getKey().startsWith("__")) {
                throw new IllegalArgumentException("'" + e.getKey() + "' is not a valid Prometheus label name");
            }
            sorted.put(e.getKey(), Objects.requireNonNull(e.getValue(), "value of label " + e.getKey()));
        }
        labels = java.util.Collections.unmodifiableMap(sorted);
    }

    public static Sample of(Map<String, String> labels, double value) {
        return new Sample(labels, value);
    }
}
