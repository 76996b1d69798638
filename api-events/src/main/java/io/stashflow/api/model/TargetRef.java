package io.stashflow.api.model;

/** The object a backup or restore is about (a workload, a PVC, an AppBinding, ...). */
public record TargetRef(String apiVersion, String kind, String name, String namespace) {
}
