package io.stashflow.api.model;

/**
 * How to reach the application: {@code url} or {@code service}.
 *
 * @param caBundle base64 text of the PEM CA bundle, as it appears in JSON
 */
public record ClientConfig(String url, ServiceReference service, Boolean insecureSkipTLSVerify, String caBundle, String serverName) {
}
