package io.stashflow.api.model;

/** kmodules offshoot-api runtime settings: pod-level and container-level overrides for the backup/restore pod. */
public record RuntimeSettings(PodRuntimeSettings pod, ContainerRuntimeSettings container) {
}
