package io.stashflow.builtin.hook;

/**
 * What a hook's templates can refer to: Stash's {@code Summary} (stashed/apimachinery
 * {@code apis/stash/v1beta1/summary_types.go}: {@code Name}, {@code Namespace}, {@code Invoker}, {@code Target},
 * {@code Status}, {@code RetryLeft}), with the fields Stashflow knows in the hook container.
 *
 * @param name the BackupSession or RestoreSession name
 * @param namespace the session's namespace
 * @param invoker the invoker's kind and name
 * @param target the target's kind, name and namespace
 * @param status the target's phase, duration and error as far as known when the hook runs
 * @param retryLeft retries left for the backup session
 */
public record HookSummary(String name, String namespace, Invoker invoker, Target target, Status status, int retryLeft) {

    public record Invoker(String kind, String name) {
    }

    public record Target(String kind, String name, String namespace) {
    }

    /** @param phase {@code Running} (pre hooks), {@code Succeeded} or {@code Failed} (post hooks) */
    public record Status(String phase, String duration, String error) {
    }
}
