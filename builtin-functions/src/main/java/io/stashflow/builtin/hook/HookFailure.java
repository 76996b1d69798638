package io.stashflow.builtin.hook;

/** A hook could not be run or did not succeed; the message says why and is put into the result. */
public final class HookFailure extends Exception {

    private static final long serialVersionUID = 1L;

    public HookFailure(String message) {
        super(message);
    }

    public HookFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
