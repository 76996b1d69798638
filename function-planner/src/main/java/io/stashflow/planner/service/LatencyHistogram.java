package io.stashflow.planner.service;

import io.stashflow.service.metrics.MetricFamily;
import io.stashflow.service.metrics.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram with fixed buckets, one series per label value. service-support's metrics model has
 * counters and gauges only, so the histogram is rendered as its three standard series ({@code _bucket} with
 * cumulative {@code le} buckets, {@code _sum}, {@code _count}), which is exactly what {@code histogram_quantile} reads;
 * the families are typed {@code untyped} because the model has no histogram type.
 */
public final class LatencyHistogram {

    /** Upper bounds in seconds: from 5 ms (a plan in one commit interval) to 5 min (a session kept pending). */
    static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

    private final String name;
    private final String help;
    private final String label;
    private final Map<String, Series> series = new ConcurrentHashMap<>();

    private static final class Series {
        final AtomicLongArray buckets = new AtomicLongArray(BOUNDS.length);
        final LongAdder count = new LongAdder();
        final DoubleAdder sum = new DoubleAdder();
    }

    /**
     * @param name  full metric name without suffix, e.g. {@code stashflow_planner_plan_latency_seconds}
     * @param label the label distinguishing series, e.g. {@code cluster}
     */
    public LatencyHistogram(String name, String help, String label) {
        this.name = name;
        this.help = help;
        this.label = label;
    }

    public void observe(String labelValue, Duration duration) {
        double seconds = Math.max(0, duration.toNanos() / 1e9);
        Series s = series.computeIfAbsent(labelValue, v -> new Series());
        for (int i = 0; i < BOUNDS.length; i++) {
            if (seconds <= BOUNDS[i]) {
                s.buckets.incrementAndGet(i);
                break;
            }
        }
        s.count.increment();
        s.sum.add(seconds);
    }

    /** Observations of one series, for tests and reports. */
    public long count(String labelValue) {
        Series s = series.get(labelValue);
        return s == null ? 0 : s.count.sum();
    }

    public List<MetricFamily> families() {
        List<Sample> buckets = new ArrayList<>();
        List<Sample> sums = new ArrayList<>();
        List<Sample> counts = new ArrayList<>();
        series.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            Series s = entry.getValue();
            long cumulative = 0;
            for (int i = 0; i < BOUNDS.length; i++) {
                cumulative += s.buckets.get(i);
                buckets.add(new Sample(labels(entry.getKey(), format(BOUNDS[i])), cumulative));
            }
            long total = s.count.sum();
            buckets.add(new Sample(labels(entry.getKey(), "+Inf"), total));
            sums.add(new Sample(Map.of(label, entry.getKey()), s.sum.sum()));
            counts.add(new Sample(Map.of(label, entry.getKey()), total));
        });
        return List.of(
                new MetricFamily(name + "_bucket", help + " (cumulative buckets)", MetricFamily.Type.UNTYPED, buckets),
                new MetricFamily(name + "_sum", help + " (sum of seconds)", MetricFamily.Type.UNTYPED, sums),
                new MetricFamily(name + "_count", help + " (observations)", MetricFamily.Type.UNTYPED, counts));
    }

    private Map<String, String> labels(String value, String le) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(label, value);
        labels.put("le", le);
        return labels;
    }

    private static String format(double bound) {
        return bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound);
    }
}
