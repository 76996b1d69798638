package io.stashflow.api.model;

/** Which namespaces may use a Repository. */
public record UsagePolicy(AllowedNamespaces allowedNamespaces) {
}
