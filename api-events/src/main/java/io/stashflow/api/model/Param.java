package io.stashflow.api.model;

/** A named string value offered to {@code ${name}} placeholders. */
public record Param(String name, String value) {
}
