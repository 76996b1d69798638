package io.stashflow.planner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.service.metrics.MetricFamily;
import io.stashflow.service.metrics.PrometheusTextFormat;
import io.stashflow.service.metrics.ServiceMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void bucketsAreCumulativeWithSumAndCountPerLabel() {
        LatencyHistogram histogram = new LatencyHistogram("plan_latency_seconds", "latency", "cluster");
        histogram.observe("c1", Duration.ofMillis(3));
        histogram.observe("c1", Duration.ofMillis(70));
        histogram.observe("c1", Duration.ofMinutes(10));
        histogram.observe("c2", Duration.ofMillis(10));

        List<MetricFamily> families = histogram.families();
        assertEquals(List.of("plan_latency_seconds_bucket", "plan_latency_seconds_sum", "plan_latency_seconds_count"),
                families.stream().map(MetricFamily::name).toList());
        var buckets = families.get(0).samples();
        assertEquals(1, value(buckets, "c1", "0.005"));
        assertEquals(1, value(buckets, "c1", "0.05"));
        assertEquals(2, value(buckets, "c1", "0.1"));
        assertEquals(2, value(buckets, "c1", "300"));
        assertEquals(3, value(buckets, "c1", "+Inf"));
        assertEquals(1, value(buckets, "c2", "0.01"), "the upper bound is inclusive");
        assertEquals(600.073, families.get(1).samples().stream()
                .filter(s -> s.labels().get("cluster").equals("c1")).findFirst().orElseThrow().value(), 1e-9);
        assertEquals(3, histogram.count("c1"));
        assertEquals(0, histogram.count("c3"));
    }

    @Test
    void itIsServedWithTheServiceMetrics() {
        PlannerMetrics metrics = new PlannerMetrics(new ServiceMetrics(PlannerMetrics.PREFIX));
        metrics.planned("c1", Duration.ofMillis(40));
        metrics.rejected("c1", "UNRESOLVED_VARIABLE");
        String text = metrics.registry().scrape();
        assertTrue(text.contains("stashflow_planner_plans_total{cluster=\"c1\"} 1"), text);
        assertTrue(text.contains("stashflow_planner_plans_rejected_total{cluster=\"c1\",reason=\"UNRESOLVED_VARIABLE\"} 1"),
                text);
        assertTrue(text.contains("stashflow_planner_plan_latency_seconds_bucket{cluster=\"c1\",le=\"0.05\"} 1"), text);
        assertTrue(text.contains("stashflow_planner_plan_latency_seconds_count{cluster=\"c1\"} 1"), text);
        // what we serve parses back
        assertTrue(PrometheusTextFormat.parse(text).size() >= 3);
    }

    private static double value(List<io.stashflow.service.metrics.Sample> samples, String cluster, String le) {
        return samples.stream().filter(s -> s.labels().equals(Map.of("cluster", cluster, "le", le))).findFirst()
                .orElseThrow(() -> new AssertionError("no bucket " + le + " for " + cluster)).value();
    }
}
