package io.stashflow.builtin.hook;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The one place a Kubernetes client is built: from the standard configuration (KUBECONFIG, ~/.kube/config, or the
 * pod's service account in-cluster). Everything else gets the client injected, so tests pass the mock server's.
 */
public final class KubernetesClients {

    private KubernetesClients() {
    }

    public static KubernetesClient standard() {
        return new KubernetesClientBuilder().build();
    }
}
