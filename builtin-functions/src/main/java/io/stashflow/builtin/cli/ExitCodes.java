package io.stashflow.builtin.cli;

/**
 * Exit codes of the built-in Functions. Logical failures (a failed host, a failed check, a failed post hook that
 * is reported in its result) are not exit codes except where Stash stops the pod: a failed hook.
 */
public final class ExitCodes {

    /** Done; the outcome is in the result. */
    public static final int OK = 0;
    /** The command's inputs could not be read, its result could not be written, or a hook failed. */
    public static final int FAILED = 1;
    /** Bad flags (picocli's own usage-error code). */
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
