package io.stashflow.api.model;

public record SwiftSpec(String container, String prefix) {
}
