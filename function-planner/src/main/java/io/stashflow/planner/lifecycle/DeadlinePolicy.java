package io.stashflow.planner.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The session deadline Stash sets from the invoker's {@code timeOut}: creation time plus {@code timeOut}. Without a
 * {@code timeOut} there is none. The executor and the reporter act on it; the planner only computes it.
 */
public final class DeadlinePolicy {

    private DeadlinePolicy() {
    }

    /**
     * @param timeOut the invoker's {@code timeOut} (a Go duration), may be null or empty
     * @throws GoDuration.InvalidDurationException when it is not a Go duration
     */
    public static Optional<Instant> deadline(Instant createdAt, String timeOut) {
        if (timeOut == null || timeOut.isEmpty()) {
            return Optional.empty();
        }
        Duration parsed = GoDuration.parse(timeOut);
        if (parsed.isNegative() || parsed.isZero()) {
            // Stash only sets a deadline for a positive timeOut
            return Optional.empty();
        }
        return Optional.of(createdAt.plus(parsed));
    }
}
