package io.stashflow.service.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextFormatTest {

    @Test
    void writesHelpTypeAndSortedEscapedLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("z", "a\"b\\c\nd");
        labels.put("a", "1");
        String text = PrometheusTextFormat.write(List.of(MetricFamily.gauge("x_total", "Help\nline",
                List.of(Sample.of(labels, 1.5), Sample.of(Map.of(), 3)))));
        assertEquals("# HELP x_total Help\\nline\n# TYPE x_total gauge\n"
                + "x_total{a=\"1\",z=\"a\\\"b\\\\c\\nd\"} 1.5\nx_total 3\n", text);
    }

    @Test
    void parsesWhatItWritesAndWhatAPushgatewayServes() {
        Map<String, String> labels = Map.of("job", "j", "v", "q\"uote");
        List<MetricFamily> families = List.of(MetricFamily.counter("c", "a counter", List.of(Sample.of(labels, 7))),
                MetricFamily.gauge("g", "", List.of(Sample.of(Map.of(), 1768010400))));
        assertEquals(families, PrometheusTextFormat.parse(PrometheusTextFormat.write(families)));
        List<MetricFamily> pushgateway = PrometheusTextFormat.parse("""
                # HELP push_time_seconds Last Unix time when changing this group in the Pushgateway succeeded.
                # TYPE push_time_seconds gauge
                push_time_seconds{instance="",job="backupconfiguration-demo-pg"} 1.7680104e+09
                untyped_thing 4 1700000000000
                """);
        assertEquals(1.7680104e+09, pushgateway.get(0).samples().get(0).value());
        assertEquals(MetricFamily.Type.UNTYPED, pushgateway.get(1).type());
    }

    @Test
    void rejectsInvalidNames() {
        assertThrows(IllegalArgumentException.class, () -> MetricFamily.gauge("bad-name", "", List.of()));
        assertThrows(IllegalArgumentException.class, () -> Sample.of(Map.of("__reserved", "x"), 1));
    }

    @Test
    void serviceMetricsRenderCountersGaugesAndCollectors() {
        ServiceMetrics metrics = new ServiceMetrics("svc_");
        metrics.counter("pushes_total", "Pushes").inc(Map.of("result", "success"));
        metrics.counter("pushes_total", "Pushes").inc(Map.of("result", "success"));
        metrics.gauge("up", "Up", () -> 1.0);
        metrics.collector(() -> List.of(MetricFamily.gauge("stash_x", "x", List.of(Sample.of(Map.of(), 2)))));
        assertEquals("""
                # HELP svc_pushes_total Pushes
                # TYPE svc_pushes_total counter
                svc_pushes_total{result="success"} 2
                # HELP svc_up Up
                # TYPE svc_up gauge
                svc_up 1
                # HELP stash_x x
                # TYPE stash_x gauge
                stash_x 2
                """, metrics.scrape());
        assertThrows(IllegalArgumentException.class, () -> metrics.counter("pushes_total", "").inc(Map.of(), -1));
    }
}
