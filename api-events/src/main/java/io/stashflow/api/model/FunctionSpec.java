package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.VolumeDevice;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;

/**
 * The container a Function contributes to the backup or restore pod. Any string may hold {@code ${VAR}}
 * placeholders; they are kept verbatim here and substituted by the resolver.
 *
 * @param runtimeSettings container-level settings only (Stash's Function has no pod settings)
 * @param podSecurityPolicyName only used by Stash to build RBAC lists of pod security policies
 */
public record FunctionSpec(
        String image,
        List<String> command,
        List<String> args,
        String workingDir,
        List<ContainerPort> ports,
        List<VolumeMount> volumeMounts,
        List<VolumeDevice> volumeDevices,
        ContainerRuntimeSettings runtimeSettings,
        String podSecurityPolicyName) {

    public FunctionSpec {
        command = ModelCollections.list(command);
        args = ModelCollections.list(args);
        ports = ModelCollections.list(ports);
        volumeMounts = ModelCollections.list(volumeMounts);
        volumeDevices = ModelCollections.list(volumeDevices);
    }
}
