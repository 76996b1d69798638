package io.stashflow.api.model;

public record GCSSpec(String bucket, String prefix, Long maxConnections) {
}
