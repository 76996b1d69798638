package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.ExecAction;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.TCPSocketAction;

/**
 * A kmodules prober handler: exactly one action is expected to be set.
 *
 * @param containerName the container an {@code exec} action runs in
 */
public record HookHandler(
        ExecAction exec,
        HTTPGetAction httpGet,
        HTTPPostAction httpPost,
        TCPSocketAction tcpSocket,
        String containerName) {
}
