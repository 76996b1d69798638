package io.stashflow.api.rejected;

import io.stashflow.events.Rejected;

/** Where records that cannot be decoded or processed go, so that nothing is lost silently. */
@FunctionalInterface
public interface RejectedSink {

    /**
     * Records the rejection durably before returning; a caller commits the input offset only afterwards.
     *
     * @throws RuntimeException when the rejection could not be stored (the caller must then not skip the record)
     */
    void reject(Rejected rejected);
}
