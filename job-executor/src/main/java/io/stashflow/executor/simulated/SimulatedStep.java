package io.stashflow.executor.simulated;

import java.time.Duration;
import java.util.Objects;

/**
 * What one simulated container does: it "runs" for {@code runFor}, then terminates with {@code exitCode} and
 * {@code terminationMessage}, as a container would write to its termination message file. Nothing is executed.
 *
 * @param runFor             how long the container runs
 * @param exitCode           its exit code: 0 succeeds, anything else fails the step (reason {@code Error})
 * @param terminationMessage what it leaves as termination message (parsed for output like a real one), or null
 */
public record SimulatedStep(Duration runFor, int exitCode, String terminationMessage) {

    public SimulatedStep {
        Objects.requireNonNull(runFor, "runFor");
        if (runFor.isNegative()) {
            throw new IllegalArgumentException("a simulated step cannot run for a negative time: " + runFor);
        }
    }

    /** The kubelet's reason for the termination: {@code Completed} or {@code Error}. */
    public String reason() {
        return exitCode == 0 ? "Completed" : "Error";
    }
}
