package io.stashflow.builtin.hook;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What {@code stashflow run-hook} reports, as compact JSON in the container's termination message (and in
 * {@code <output-dir>/hook-<hookType>.json} when an output directory is given). status-reporter turns it into
 * Stash's {@code Pre/PostBackupHookExecutionSucceeded} (or restore) condition.
 *
 * @param version format version, {@value #VERSION}
 * @param hookType {@code preBackup}, {@code postBackup}, {@code preRestore} or {@code postRestore}
 * @param handler the handler(s) that ran or would have run: {@code exec}, {@code httpGet}, {@code httpPost},
 *     {@code tcpSocket} (comma-separated when the hook sets several, which run in that order like Stash's prober)
 * @param executionPolicy post hooks: the policy that decided ({@code Always} when the hook has none)
 * @param succeeded whether the hook succeeded; {@code true} when it was skipped by its policy (Stash then sets the
 *     condition True with a "Skipping..." message)
 * @param skippedByPolicy {@code true} when the execution policy said not to run it
 * @param message what happened: the failure reason (exit code and output tail, HTTP status, connection error),
 *     the policy's reason for skipping, or a short success note; secret values are redacted
 * @param executedIn {@code local} (the hook container itself) or {@code pod <namespace>/<name>[/<container>]}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HookResult(int version, String hookType, String handler, String executionPolicy, boolean succeeded,
        boolean skippedByPolicy, String message, String executedIn) {

    public static final int VERSION = 1;
}
