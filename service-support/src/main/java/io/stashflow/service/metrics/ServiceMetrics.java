package io.stashflow.service.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Supplier;

/**
 * A service's own metrics: counters it increments, gauges it reads on demand, and collectors that contribute whole
 * families (for example the Stash series the reporter serves). {@link #scrape()} renders them for {@code /metrics}.
 *
 * <p>Deliberately small: the services need a handful of counters, and pulling in a metrics library would add a second
 * text-format implementation next to the one the Pushgateway client already needs.
 */
public final class ServiceMetrics {

    private final String prefix;
    private final ConcurrentMap<String, CounterFamily> counters = new ConcurrentHashMap<>();
    private final List<GaugeDefinition> gauges = new CopyOnWriteArrayList<>();
    private final List<Supplier<List<MetricFamily>>> collectors = new CopyOnWriteArrayList<>();

    /** @param prefix prepended to every counter and gauge name, e.g. {@code stashflow_reporter_} */
    public ServiceMetrics(String prefix) {
        this.prefix = prefix;
    }

    /** A labelled counter family; asking again with the same name returns the same family. */
    public CounterFamily counter(String name, String help) {
        return counters.computeIfAbsent(prefix + name, n -> new CounterFamily(n, help));
    }

    /** A gauge read each time metrics are scraped. */
    public void gauge(String name, String help, Supplier<Double> value) {
        gauges.add(new GaugeDefinition(prefix + name, help, value));
    }

    /** Families computed by someone else, rendered as they are (names are not prefixed). */
    public void collector(Supplier<List<MetricFamily>> collector) {
        collectors.add(collector);
    }

    public List<MetricFamily> collect() {
        List<MetricFamily> families = new ArrayList<>();
        counters.values().stream().sorted((a, b) -> a.name.compareTo(b.name)).forEach(c -> families.add(c.family()));
        for (GaugeDefinition gauge : gauges) {
            families.add(MetricFamily.gauge(gauge.name, gauge.help, List.of(Sample.of(Map.of(), gauge.value.get()))));
        }
        for (Supplier<List<MetricFamily>> collector : collectors) {
            families.addAll(collector.get());
        }
        return families;
    }

    public String scrape() {
        return PrometheusTextFormat.write(collect());
    }

    private record GaugeDefinition(String name, String help, Supplier<Double> value) {
    }

    /** A counter with label values; each distinct set of label values is its own series. */
    public static final class CounterFamily {
        private final String name;
        private final String help;
        private final ConcurrentMap<Map<String, String>, DoubleAdder> series = new ConcurrentHashMap<>();

        CounterFamily(String name, String help) {
            this.name = name;
            this.help = help;
        }

        public void inc() {
            inc(Map.of(), 1);
        }

        public void inc(Map<String, String> labels) {
            inc(labels, 1);
        }

        public void inc(Map<String, String> labels, double amount) {
            if (amount < 0) {
                throw new IllegalArgumentException("counter " + name + " cannot decrease");
            }
            series.computeIfAbsent(Map.copyOf(labels), l -> new DoubleAdder()).add(amount);
        }

        public double value(Map<String, String> labels) {
            DoubleAdder adder = series.get(Map.copyOf(labels));
            return adder == null ? 0 : adder.sum();
        }

        MetricFamily family() {
            List<Sample> samples = new ArrayList<>();
            series.forEach((labels, adder) -> samples.add(Sample.of(labels, adder.sum())));
            samples.sort((a, b) -> a.labels().toString().compareTo(b.labels().toString()));
            return MetricFamily.counter(name, help, samples);
        }
    }
}
