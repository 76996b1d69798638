package io.stashflow.planner.lifecycle;

import java.util.Set;

/** Stash's BackupSession and RestoreSession phases, as status-reporter writes them to {@code stash.session-status}. */
public final class SessionPhases {

    public static final String PENDING = "Pending";
    public static final String RUNNING = "Running";
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";
    public static final String SKIPPED = "Skipped";
    public static final String UNKNOWN = "Unknown";
    /** RestoreSession only. */
    public static final String INVALID = "Invalid";

    private static final Set<String> FINAL = Set.of(SUCCEEDED, FAILED, SKIPPED, UNKNOWN, INVALID);
    private static final Set<String> TARGET_COMPLETE = Set.of(SUCCEEDED, FAILED);

    private SessionPhases() {
    }

    /** Whether a session in this phase is over (nothing more will run for it). */
    public static boolean isFinal(String phase) {
        return phase != null && FINAL.contains(phase);
    }

    /** Whether a target in this phase has completed its backup (Stash's {@code TargetBackupCompleted}). */
    public static boolean isTargetComplete(String phase) {
        return phase != null && TARGET_COMPLETE.contains(phase);
    }
}
