/**
 * Kafka serdes for Avro events in Confluent's wire format, backed by the {@link io.stashflow.api.registry.SchemaRegistry}
 * port. Decoding failures that are the bytes' fault are {@link io.stashflow.api.serde.UndecodableRecordException}s, so
 * callers can route them to {@code stash.rejected}.
 */
package io.stashflow.api.serde;
