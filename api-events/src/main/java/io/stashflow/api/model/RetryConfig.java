package io.stashflow.api.model;

/**
 * @param maxRetry Stash defaults it to 1 when absent; the default is applied by the consumer, not here
 * @param delay a Go duration such as {@code 5m}
 */
public record RetryConfig(Integer maxRetry, String delay) {
}
