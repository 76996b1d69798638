package io.stashflow.planner.envsubst;

/**
 * Counts elementary steps (runes scanned, bytes written, glob element tests). Tests use it to show
 * that the work grows linearly with the input without timing anything. Production code passes
 * {@link #NONE}, which ignores the counts and so can be shared between threads.
 */
final class WorkCounter {

    static final WorkCounter NONE = new WorkCounter(false);

    private final boolean enabled;
    private long steps;

    WorkCounter() {
        this(true);
    }

    private WorkCounter(boolean enabled) {
        this.enabled = enabled;
    }

    void add(long n) {
        if (enabled) {
            steps += n;
        }
    }

    long steps() {
        return steps;
    }
}
