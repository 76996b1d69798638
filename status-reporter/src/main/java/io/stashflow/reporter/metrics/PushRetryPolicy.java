package io.stashflow.reporter.metrics;

import java.time.Duration;

/**
 * How often and how patiently a session's metrics are pushed: {@code attempts} tries with exponential backoff from
 * {@code initialBackoff}, doubling, capped at {@code maxBackoff}. After the last failed attempt the session gets
 * {@code MetricsPushed=False} and, as in Stash, ends Failed: a backup whose metrics cannot be recorded is reported,
 * not silently marked good.
 */
public record PushRetryPolicy(int attempts, Duration initialBackoff, Duration maxBackoff) {

    public PushRetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("push attempts must be at least 1");
        }
    }

    public static PushRetryPolicy defaults() {
        return new PushRetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(16));
    }

    /** The wait before attempt {@code attempt} (2 for the first retry). */
    public Duration backoffBefore(int attempt) {
        if (attempt <= 1) {
            return Duration.ZERO;
        }
        long factor = 1L << Math.min(attempt - 2, 30);
        Duration d = initialBackoff.multipliedBy(factor);
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }
}
