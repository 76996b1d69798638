package io.stashflow.executor.local;

import java.util.Map;
import java.util.Optional;

/**
 * Where the local runtime finds Secret values for {@code envFrom: secretRef}, {@code secretKeyRef} and secret volumes.
 * Values are handed to the step's process only; they are never logged or put into events.
 */
public interface SecretSource {

    /** Every key of a Secret, empty when there is no such Secret. */
    Optional<Map<String, byte[]>> secret(String namespace, String name);

    /** Where secrets are looked up, for error messages (never a value). */
    String describe();
}
