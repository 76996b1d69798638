package io.stashflow.service.http;

import java.util.Optional;

/** One named readiness or liveness check: empty when healthy, otherwise why not. */
@FunctionalInterface
public interface HealthCheck {

    Optional<String> problem();
}
