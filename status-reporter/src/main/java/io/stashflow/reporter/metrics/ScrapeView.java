package io.stashflow.reporter.metrics;

import io.stashflow.reporter.events.MetricFamilyState;
import io.stashflow.service.metrics.MetricFamily;
import io.stashflow.service.metrics.PrometheusTextFormat;
import io.stashflow.service.metrics.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Stash series the reporter serves on its own {@code /metrics}, with the Pushgateway's semantics: per group (job,
 * and cluster in fleet mode) each family holds the value of the last session that pushed it, so a failure (which
 * pushes only {@code …success=0}) leaves the last success time in place. Series carry the grouping labels
 * ({@code job}, {@code cluster}) as the Pushgateway adds them.
 *
 * <p>Fed from the compacted {@code reporter-metric-families} topic, which holds exactly one record per group and
 * family; the view is rebuilt by reading it from the beginning, so a restart serves the same values as before. A
 * record of an older session (by completion time) never replaces a newer one. Thread-safe.
 */
public final class ScrapeView {

    private record Held(Instant completedAt, MetricFamily family) {
    }

    private final Map<String, Held> byKey = new TreeMap<>();

    /** Applies one family state. {@code key} is {@code cluster|job|family}. */
    public synchronized void apply(String key, MetricFamilyState state) {
        if (state == null) {
            byKey.remove(key);
            return;
        }
        Held held = byKey.get(key);
        if (held != null && held.completedAt().isAfter(state.getCompletedAt())) {
            return;
        }
        List<MetricFamily> parsed = PrometheusTextFormat.parse(state.getText());
        if (parsed.isEmpty()) {
            return;
        }
        MetricFamily family = parsed.get(0);
        List<Sample> grouped = new ArrayList<>();
        for (Sample s : family.samples()) {
            Map<String, String> labels = new LinkedHashMap<>(s.labels());
            labels.put("job", state.getJob());
            if (state.getCluster() != null) {
                labels.put("cluster", state.getCluster());
            }
            grouped.add(Sample.of(labels, s.value()));
        }
        byKey.put(key, new Held(state.getCompletedAt(), new MetricFamily(family.name(), family.help(), family.type(),
                grouped)));
    }

    /** Every family, samples of all groups merged under one name. */
    public synchronized List<MetricFamily> families() {
        Map<String, MetricFamily> merged = new TreeMap<>();
        for (Held held : byKey.values()) {
            MetricFamily f = held.family();
            merged.merge(f.name(), f, (a, b) -> {
                List<Sample> all = new ArrayList<>(a.samples());
                all.addAll(b.samples());
                return new MetricFamily(a.name(), a.help(), a.type(), all);
            });
        }
        return new ArrayList<>(merged.values());
    }
}
