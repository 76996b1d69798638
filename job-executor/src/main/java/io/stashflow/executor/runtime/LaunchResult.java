package io.stashflow.executor.runtime;

/**
 * What {@link JobRuntime#launch} did.
 *
 * @param outcome CREATED (a new run), ADOPTED (a run for this plan already existed and is now observed) or
 *                ALREADY_REPORTED (the run ended and its outcomes were published before; nothing to do)
 */
public record LaunchResult(Outcome outcome, String runName, String runUid) {

    public enum Outcome {
        CREATED, ADOPTED, ALREADY_REPORTED
    }
}
