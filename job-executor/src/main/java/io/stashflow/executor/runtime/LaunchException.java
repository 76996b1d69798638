package io.stashflow.executor.runtime;

/** A run could not be created. */
public final class LaunchException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean retriable;

    public LaunchException(String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
    }

    /** Whether trying again later can help (API server unavailable) or not (the plan itself is wrong). */
    public boolean retriable() {
        return retriable;
    }
}
