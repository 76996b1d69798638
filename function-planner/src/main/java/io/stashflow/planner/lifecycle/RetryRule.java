package io.stashflow.planner.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Stash's session-level retries (semantics notes 6.4), as pure functions.
 *
 * <p>A BackupSession that ends {@code Failed} with {@code retryLeft > 0}, and for which no retry was issued yet, gets
 * a retry: a new session of the same invoker, named {@code <invoker>-<unix seconds>} at the moment it is created,
 * with {@code retryLeft - 1} and {@code retryOf} naming the failed one. It is due {@code retryConfig.delay} after the
 * failure, the failure being the {@code updatedAt} of the first {@code Failed} status (Stash: {@code nextRetry = now +
 * delay} when it first sees the failure). The due time is fixed once; later statuses do not move it.
 *
 * <p>Who marks the old session {@code retried}: the planner decides and records it in its own state (so it issues
 * exactly one retry); status-reporter owns the BackupSession status and sets {@code status.retried=true} on the
 * session named by a {@code SessionRequested.retryOf} when it sees that request.
 */
public final class RetryRule {

    private RetryRule() {
    }

    /**
     * {@code spec.retryLeft} of a new scheduled session: {@code retryConfig.maxRetry}, 1 when retryConfig is given
     * without it (Stash's default), 0 without retryConfig.
     */
    public static int initialRetryLeft(boolean hasRetryConfig, Integer maxRetry) {
        if (!hasRetryConfig) {
            return 0;
        }
        return maxRetry == null ? 1 : Math.max(0, maxRetry);
    }

    /**
     * When the retry of a session that is now reported {@code phase} is due; empty when it gets none (not failed,
     * no retries left, already retried or already scheduled, or a restore).
     *
     * @param failedAt when the failure was reported
     * @param delay    the invoker's {@code retryConfig.delay}; zero when absent
     */
    public static Optional<Instant> retryDue(TrackedSession session, String phase, Instant failedAt, Duration delay) {
        if (session.type() != SessionType.BACKUP || !SessionPhases.FAILED.equals(phase) || session.retryLeft() <= 0
                || session.retried() || session.retryDueMillis() != null) {
            return Optional.empty();
        }
        Duration effective = delay == null || delay.isNegative() ? Duration.ZERO : delay;
        return Optional.of(failedAt.plus(effective));
    }

    /** Whether the retry is due at {@code now}. */
    public static boolean due(TrackedSession session, Instant now) {
        return session.retryDueMillis() != null && !session.retried() && session.retryDueMillis() <= now.toEpochMilli();
    }
}
