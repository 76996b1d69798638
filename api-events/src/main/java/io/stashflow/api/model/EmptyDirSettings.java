package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.Quantity;

/** {@code tempDir}: the emptyDir mounted at {@code /stash-tmp}. */
public record EmptyDirSettings(String medium, Quantity sizeLimit, Boolean disableCaching) {
}
