package io.stashflow.executor.agent;

import java.util.Arrays;

/**
 * Keeps the last {@code capacity} latencies (nanoseconds) to report percentiles, e.g. from a plan being consumed to its
 * pod being created. Thread-safe; bounded memory.
 */
public final class LatencyRecorder {

    private final long[] samples;
    private long count;

    public LatencyRecorder(int capacity) {
        this.samples = new long[capacity];
    }

    public synchronized void record(long nanos) {
        samples[(int) (count % samples.length)] = nanos;
        count++;
    }

    public synchronized long count() {
        return count;
    }

    /** The given percentile (0..100) of the kept samples in nanoseconds; 0 without samples. */
    public synchronized long percentile(double p) {
        int n = (int) Math.min(count, samples.length);
        if (n == 0) {
            return 0;
        }
        long[] copy = Arrays.copyOf(samples, n);
        Arrays.sort(copy);
        int index = (int) Math.ceil(p / 100.0 * n) - 1;
        return copy[Math.max(0, Math.min(n - 1, index))];
    }

    public synchronized void reset() {
        count = 0;
    }
}
