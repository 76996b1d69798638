package io.stashflow.reporter.core;

import java.util.Set;

/** Stash's phase names (BackupSession, RestoreSession, their targets and hosts), exactly as Stash spells them. */
public final class Phases {

    public static final String PENDING = "Pending";
    public static final String SKIPPED = "Skipped";
    public static final String RUNNING = "Running";
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";
    public static final String UNKNOWN = "Unknown";
    /** RestoreSession only. */
    public static final String INVALID = "Invalid";

    /** Stash's {@code IsBackupCompleted}: the phases after which a session no longer changes. */
    private static final Set<String> FINAL = Set.of(SUCCEEDED, FAILED, SKIPPED, UNKNOWN);

    private Phases() {
    }

    public static boolean isFinal(String phase) {
        return phase != null && FINAL.contains(phase);
    }

    /** A target or host phase that will not change any more. */
    public static boolean isTargetDone(String phase) {
        return SUCCEEDED.equals(phase) || FAILED.equals(phase);
    }
}
