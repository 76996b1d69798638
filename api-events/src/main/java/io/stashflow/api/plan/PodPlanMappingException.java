package io.stashflow.api.plan;

import java.util.List;

/**
 * A pod cannot be expressed as a {@code PodPlan} (or the other way round) without losing something. The message
 * names every offending field, so the caller can either stop setting it or extend the Avro schema.
 */
public final class PodPlanMappingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> fields;

    public PodPlanMappingException(String message, List<String> fields) {
        super(message);
        this.fields = List.copyOf(fields);
    }

    public PodPlanMappingException(String message, Throwable cause) {
        super(message, cause);
        this.fields = List.of();
    }

    /** The offending fields as paths into the pod, e.g. {@code spec.hostNetwork}. */
    public List<String> fields() {
        return fields;
    }
}
