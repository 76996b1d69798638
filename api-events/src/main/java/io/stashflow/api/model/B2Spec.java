package io.stashflow.api.model;

public record B2Spec(String bucket, String prefix, Long maxConnections) {
}
