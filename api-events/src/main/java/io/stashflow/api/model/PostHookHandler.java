package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.ExecAction;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.TCPSocketAction;

/**
 * A post-backup or post-restore hook: a {@link HookHandler} written inline plus when to run it.
 *
 * @param executionPolicy {@code Always} (Stash's default when absent), {@code OnSuccess}, {@code OnFailure}
 *     or (backup only) {@code OnFinalRetryFailure}
 */
public record PostHookHandler(
        ExecAction exec,
        HTTPGetAction httpGet,
        HTTPPostAction httpPost,
        TCPSocketAction tcpSocket,
        String containerName,
        String executionPolicy) {

    /** The action part without the execution policy. */
    public HookHandler handler() {
        return new HookHandler(exec, httpGet, httpPost, tcpSocket, containerName);
    }
}
