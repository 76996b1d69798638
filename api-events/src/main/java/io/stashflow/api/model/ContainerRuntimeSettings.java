package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.List;

/**
 * @param nice CPU scheduling priority applied to the backup process
 * @param ionice I/O scheduling class and priority applied to the backup process
 */
public record ContainerRuntimeSettings(
        ResourceRequirements resources,
        Probe livenessProbe,
        Probe readinessProbe,
        Lifecycle lifecycle,
        SecurityContext securityContext,
        NiceSettings nice,
        IONiceSettings ionice,
        List<EnvFromSource> envFrom,
        List<EnvVar> env) {

    public ContainerRuntimeSettings {
        envFrom = ModelCollections.list(envFrom);
        env = ModelCollections.list(env);
    }
}
