package io.stashflow.builtin.hook;

import io.stashflow.builtin.output.StepOutputs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The target's outcome as a post hook sees it, from the Task's {@code output.json}: failed when any host failed
 * or when there is no readable output.json (the steps before did not get that far).
 *
 * @param succeeded whether every host succeeded (false also when output.json lists no host)
 * @param phase {@code Succeeded} or {@code Failed}
 * @param duration the host's duration when there is exactly one host, else empty
 * @param error the hosts' errors ({@code host: error}, joined with {@code ; }), or why output.json is unusable
 */
public record TargetOutcome(boolean succeeded, String phase, String duration, String error) {

    /** What a pre hook sees: the target is running. */
    public static TargetOutcome running() {
        return new TargetOutcome(false, "Running", "", "");
    }

    public static TargetOutcome fromOutput(Path outputDir, boolean backup) {
        if (outputDir == null) {
            return failed("no --output-dir, so the target's outcome (output.json) is unknown");
        }
        List<String[]> hosts = new ArrayList<>();
        try {
            if (backup) {
                StepOutputs.readBackup(outputDir).targetStatus().stats()
                        .forEach(h -> hosts.add(new String[] {h.hostname(), h.phase(), h.duration(), h.error()}));
            } else {
                StepOutputs.readRestore(outputDir).targetStatus().stats()
                        .forEach(h -> hosts.add(new String[] {h.hostname(), h.phase(), h.duration(), h.error()}));
            }
        } catch (StepOutputs.UnreadableOutputException e) {
            return failed(e.getMessage());
        }
        if (hosts.isEmpty()) {
            return failed(StepOutputs.file(outputDir) + " lists no host");
        }
        boolean anyFailed = false;
        List<String> errors = new ArrayList<>();
        for (String[] host : hosts) {
            if ("Failed".equals(host[1])) {
                anyFailed = true;
            }
            if (host[3] != null && !host[3].isEmpty()) {
                errors.add(host[0] + ": " + host[3]);
            }
        }
        String duration = hosts.size() == 1 && hosts.get(0)[2] != null ? hosts.get(0)[2] : "";
        return new TargetOutcome(!anyFailed, anyFailed ? "Failed" : "Succeeded", duration, String.join("; ", errors));
    }

    private static TargetOutcome failed(String error) {
        return new TargetOutcome(false, "Failed", "", error);
    }
}
