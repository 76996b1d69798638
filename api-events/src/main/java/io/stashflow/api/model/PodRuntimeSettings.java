package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.List;
import java.util.Map;

public record PodRuntimeSettings(
        Map<String, String> podLabels,
        Map<String, String> podAnnotations,
        Map<String, String> nodeSelector,
        String serviceAccountName,
        Map<String, String> serviceAccountAnnotations,
        Boolean automountServiceAccountToken,
        String nodeName,
        PodSecurityContext securityContext,
        List<LocalObjectReference> imagePullSecrets,
        Affinity affinity,
        String schedulerName,
        List<Toleration> tolerations,
        String priorityClassName,
        Integer priority,
        List<PodReadinessGate> readinessGates,
        String runtimeClassName,
        Boolean enableServiceLinks,
        List<TopologySpreadConstraint> topologySpreadConstraints) {

    public PodRuntimeSettings {
        podLabels = ModelCollections.map(podLabels);
        podAnnotations = ModelCollections.map(podAnnotations);
        nodeSelector = ModelCollections.map(nodeSelector);
        serviceAccountAnnotations = ModelCollections.map(serviceAccountAnnotations);
        imagePullSecrets = ModelCollections.list(imagePullSecrets);
        tolerations = ModelCollections.list(tolerations);
        readinessGates = ModelCollections.list(readinessGates);
        topologySpreadConstraints = ModelCollections.list(topologySpreadConstraints);
    }
}
