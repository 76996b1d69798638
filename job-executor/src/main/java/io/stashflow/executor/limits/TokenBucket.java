package io.stashflow.executor.limits;

/**
 * Pod-creation rate limit: {@code burst} tokens at most, refilled at {@code perSecond}. Time is passed in (nanoseconds
 * from any fixed origin), so the bucket is deterministic under test. A rate of 0 or less means unlimited.
 */
public final class TokenBucket {

    private final double perSecond;
    private final double capacity;
    private double tokens;
    private long lastNanos;
    private boolean started;

    public TokenBucket(double perSecond, int burst) {
        this.perSecond = perSecond;
        this.capacity = Math.max(1, burst);
        this.tokens = capacity;
    }

    public boolean unlimited() {
        return perSecond <= 0;
    }

    /** Takes a token if one is there. */
    public boolean tryTake(long nowNanos) {
        if (unlimited()) {
            return true;
        }
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** How long until the next token, 0 when one is there now. */
    public long nanosUntilToken(long nowNanos) {
        if (unlimited()) {
            return 0;
        }
        refill(nowNanos);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perSecond * 1e9);
    }

    private void refill(long nowNanos) {
        if (!started) {
            started = true;
            lastNanos = nowNanos;
            return;
        }
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed / 1e9 * perSecond);
            lastNanos = nowNanos;
        }
    }
}
