package io.stashflow.api.model;

public record S3Spec(String endpoint, String bucket, String prefix, String region, Boolean insecureTLS) {
}
