package io.stashflow.api.model;

public record AzureSpec(String container, String prefix, Long maxConnections) {
}
