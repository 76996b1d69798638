/**
 * Plumbing every Stashflow service shares, kept free of any one service's business logic.
 *
 * <ul>
 *   <li>{@link io.stashflow.service.config} — typed configuration from command-line flags, environment variables
 *       and a properties file, validated all at once with errors that name the setting, where it can be given and
 *       how to fix it.</li>
 *   <li>{@link io.stashflow.service.http} — a small JDK {@code HttpServer} with {@code /healthz} (liveness),
 *       {@code /readyz} (readiness) and {@code /metrics} (Prometheus text format), to which a service adds its own
 *       routes.</li>
 *   <li>{@link io.stashflow.service.metrics} — the Prometheus text format (writer and parser) and a registry of a
 *       service's own counters and gauges.</li>
 *   <li>{@link io.stashflow.service.streams} — a Kafka Streams runner ({@code exactly_once_v2}, state directory,
 *       uncaught-exception policy, graceful shutdown) and a deserialization handler that routes undecodable records
 *       to the rejected topic instead of stopping the service.</li>
 *   <li>{@link io.stashflow.service.kafka} — topic bootstrap through the Admin client.</li>
 *   <li>{@link io.stashflow.service.logging} — the {@code cluster}/{@code session}/{@code step} MDC context.</li>
 * </ul>
 */
package io.stashflow.service;
