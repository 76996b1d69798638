package io.stashflow.api.model;

/** @param adjustment the {@code nice -n} value */
public record NiceSettings(Integer adjustment) {
}
