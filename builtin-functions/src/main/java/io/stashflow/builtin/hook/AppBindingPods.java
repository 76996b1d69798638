package io.stashflow.builtin.hook;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Optional;

/**
 * Finds the pod a hook for an AppBinding target runs in, as Stash does: the AppBinding's
 * {@code spec.clientConfig.service}, that Service's Endpoints, the first ready address (in subset order), else the
 * first not-ready address, and the Pod that address refers to. Uses only {@code get} on the API.
 */
public final class AppBindingPods {

    /** {@code appcatalog.appscode.com/v1alpha1 AppBinding}, given explicitly so no API discovery is needed. */
    static final ResourceDefinitionContext APP_BINDING = new ResourceDefinitionContext.Builder()
            .withGroup("appcatalog.appscode.com")
            .withVersion("v1alpha1")
            .withKind("AppBinding")
            .withPlural("appbindings")
            .withNamespaced(true)
            .build();

    private final KubernetesClient client;

    public AppBindingPods(KubernetesClient client) {
        this.client = client;
    }

    /**
     * @throws HookFailure when the AppBinding, its service reference, the Endpoints, an address or the Pod is missing
     */
    public Pod find(String namespace, String appBindingName) throws HookFailure {
        String what = "AppBinding " + namespace + "/" + appBindingName;
        try {
            GenericKubernetesResource appBinding = client.genericKubernetesResources(APP_BINDING)
                    .inNamespace(namespace).withName(appBindingName).get();
            if (appBinding == null) {
                throw new HookFailure(what + " not found; the hook of an AppBinding target runs in the pod behind"
                        + " the AppBinding's service, so the AppBinding must exist");
            }
            Object serviceName = appBinding.get("spec", "clientConfig", "service", "name");
            if (!(serviceName instanceof String service) || service.isEmpty()) {
                throw new HookFailure(what + " has no spec.clientConfig.service.name; the hook runs in the pod behind"
                        + " that Service, so set it");
            }
            Endpoints endpoints = client.endpoints().inNamespace(namespace).withName(service).get();
            if (endpoints == null) {
                throw new HookFailure("Endpoints " + namespace + "/" + service + " of " + what + " not found; is the"
                        + " Service " + service + " there and does it select a pod?");
            }
            EndpointAddress address = chooseAddress(endpoints.getSubsets()).orElseThrow(() -> new HookFailure(
                    "Endpoints " + namespace + "/" + service + " of " + what + " have no address; no pod backs the"
                            + " Service yet"));
            if (address.getTargetRef() == null || address.getTargetRef().getName() == null
                    || !"Pod".equals(address.getTargetRef().getKind())) {
                throw new HookFailure("Endpoints " + namespace + "/" + service + " address " + address.getIp()
                        + " does not refer to a Pod (targetRef); the hook needs a pod to run in");
            }
            String podNamespace = address.getTargetRef().getNamespace() == null ? namespace
                    : address.getTargetRef().getNamespace();
            Pod pod = client.pods().inNamespace(podNamespace).withName(address.getTargetRef().getName()).get();
            if (pod == null) {
                throw new HookFailure("Pod " + podNamespace + "/" + address.getTargetRef().getName() + " behind "
                        + what + " not found");
            }
            return pod;
        } catch (KubernetesClientException e) {
            throw new HookFailure("cannot look up the pod behind " + what + ": " + e.getMessage(), e);
        }
    }

    /** The first ready address of any subset, else the first not-ready one. */
    static Optional<EndpointAddress> chooseAddress(List<EndpointSubset> subsets) {
        if (subsets == null) {
            return Optional.empty();
        }
        for (EndpointSubset subset : subsets) {
            if (subset.getAddresses() != null && !subset.getAddresses().isEmpty()) {
                return Optional.of(subset.getAddresses().get(0));
            }
        }
        for (EndpointSubset subset : subsets) {
            if (subset.getNotReadyAddresses() != null && !subset.getNotReadyAddresses().isEmpty()) {
                return Optional.of(subset.getNotReadyAddresses().get(0));
            }
        }
        return Optional.empty();
    }
}
