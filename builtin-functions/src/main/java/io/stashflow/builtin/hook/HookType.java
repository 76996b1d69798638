package io.stashflow.builtin.hook;

import java.util.Arrays;
import java.util.Optional;

/** Stash's hook types, as {@code HOOK_TYPE} and {@code --hook-type} spell them. */
public enum HookType {
    PRE_BACKUP("preBackup", true, true),
    POST_BACKUP("postBackup", false, true),
    PRE_RESTORE("preRestore", true, false),
    POST_RESTORE("postRestore", false, false);

    private final String flagValue;
    private final boolean pre;
    private final boolean backup;

    HookType(String flagValue, boolean pre, boolean backup) {
        this.flagValue = flagValue;
        this.pre = pre;
        this.backup = backup;
    }

    public String flagValue() {
        return flagValue;
    }

    /** Runs before the Task's steps; its failure stops the pod. */
    public boolean isPre() {
        return pre;
    }

    public boolean isBackup() {
        return backup;
    }

    public static Optional<HookType> of(String value) {
        return Arrays.stream(values()).filter(t -> t.flagValue.equals(value)).findFirst();
    }

    @Override
    public String toString() {
        return flagValue;
    }
}
