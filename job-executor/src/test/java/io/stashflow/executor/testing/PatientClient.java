package io.stashflow.executor.testing;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.function.Consumer;

/**
 * Mock-server clients that wait longer than the default 10 s per request: the build machines are shared and
 * sometimes so loaded that the in-process mock server answers late, which is not what the tests are about.
 */
public final class PatientClient implements Consumer<KubernetesClientBuilder> {

    @Override
    public void accept(KubernetesClientBuilder builder) {
        builder.editOrNewConfig().withRequestTimeout(60_000).withConnectionTimeout(30_000).endConfig();
    }
}
