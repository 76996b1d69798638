package io.stashflow.api.model;

/**
 * @param namespace optional; listed in the Stash reference §1.10 (kmodules {@code ServiceReference.namespace})
 */
public record ServiceReference(String scheme, String name, Integer port, String path, String query, String namespace) {
}
