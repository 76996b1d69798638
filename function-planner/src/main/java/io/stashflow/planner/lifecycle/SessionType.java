package io.stashflow.planner.lifecycle;

/** Whether a session is a BackupSession or a RestoreSession. */
public enum SessionType {
    BACKUP,
    RESTORE
}
