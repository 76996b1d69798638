package io.stashflow.builtin.hook;

import java.util.Arrays;
import java.util.Optional;

/**
 * When a post hook runs, judged by the target's outcome (Stash's {@code executionPolicy}; absent means
 * {@code Always}). {@code OnFinalRetryFailure} is for postBackup hooks only: it runs when the backup failed and no
 * retry is left.
 */
public enum ExecutionPolicy {
    ALWAYS("Always"),
    ON_SUCCESS("OnSuccess"),
    ON_FAILURE("OnFailure"),
    ON_FINAL_RETRY_FAILURE("OnFinalRetryFailure");

    private final String value;

    ExecutionPolicy(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /**
     * @throws IllegalArgumentException for an unknown value, naming the accepted ones
     */
    public static ExecutionPolicy parse(String value) {
        if (value == null || value.isEmpty()) {
            return ALWAYS;
        }
        Optional<ExecutionPolicy> policy = Arrays.stream(values()).filter(p -> p.value.equals(value)).findFirst();
        return policy.orElseThrow(() -> new IllegalArgumentException("executionPolicy '" + value + "' is not one of"
                + " Always, OnSuccess, OnFailure, OnFinalRetryFailure"));
    }

    /** Whether the hook runs, and if not, why. */
    public record Decision(boolean run, String reason) {
    }

    /**
     * @param targetSucceeded whether every host of the target succeeded
     * @param retryLeft retries left for the backup session
     */
    public Decision decide(HookType type, boolean targetSucceeded, int retryLeft) {
        String outcome = targetSucceeded ? "Succeeded" : "Failed";
        return switch (this) {
            case ALWAYS -> new Decision(true, "executionPolicy Always");
            case ON_SUCCESS -> targetSucceeded
                    ? new Decision(true, "executionPolicy OnSuccess and the target succeeded")
                    : new Decision(false, skipping(type, "OnSuccess", outcome));
            case ON_FAILURE -> targetSucceeded
                    ? new Decision(false, skipping(type, "OnFailure", outcome))
                    : new Decision(true, "executionPolicy OnFailure and the target failed");
            case ON_FINAL_RETRY_FAILURE -> {
                if (!type.isBackup()) {
                    throw new IllegalArgumentException("executionPolicy OnFinalRetryFailure applies to postBackup hooks"
                            + " only; use Always, OnSuccess or OnFailure for " + type);
                }
                if (targetSucceeded) {
                    yield new Decision(false, skipping(type, "OnFinalRetryFailure", outcome));
                }
                yield retryLeft > 0
                        ? new Decision(false, "Skipping executing " + type + " hook: executionPolicy"
                                + " OnFinalRetryFailure, the backup failed but " + retryLeft + " retries are left")
                        : new Decision(true, "executionPolicy OnFinalRetryFailure, the backup failed and no retry is left");
            }
        };
    }

    private static String skipping(HookType type, String policy, String outcome) {
        return "Skipping executing " + type + " hook: executionPolicy " + policy + " but the target " + outcome;
    }
}
