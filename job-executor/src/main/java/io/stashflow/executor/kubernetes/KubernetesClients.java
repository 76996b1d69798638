package io.stashflow.executor.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The one place a Kubernetes client is built: from the standard configuration (the {@code KUBECONFIG} file or
 * {@code ~/.kube/config}, else the in-cluster service account). Everything else receives the client, so tests pass
 * the mock server's client and the production code stays identical.
 */
public final class KubernetesClients {

    private KubernetesClients() {
    }

    public static KubernetesClient fromStandardConfig() {
        return new KubernetesClientBuilder().build();
    }
}
