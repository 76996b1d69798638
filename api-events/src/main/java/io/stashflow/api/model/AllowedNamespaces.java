package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.LabelSelector;

/**
 * @param from {@code All}, {@code Selector} or {@code Same} (Stash's default when absent)
 * @param selector namespace label selector, used when {@code from} is {@code Selector}
 */
public record AllowedNamespaces(String from, LabelSelector selector) {
}
