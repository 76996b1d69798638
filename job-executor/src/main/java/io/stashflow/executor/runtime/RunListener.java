package io.stashflow.executor.runtime;

/**
 * Receives what a runtime observes. Called from the runtime's own threads, one event at a time per runtime, in the
 * order the events happened for each run. Implementations must not block for long.
 */
public interface RunListener {

    void onStep(StepEvent event);

    void onRunEnded(RunEnded ended);
}
