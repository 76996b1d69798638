/**
 * The schema registry port ({@link io.stashflow.api.registry.SchemaRegistry}) and its in-JVM implementation.
 *
 * <p>{@link io.stashflow.api.registry.EmbeddedSchemaRegistry} keeps its data in a
 * {@link io.stashflow.api.registry.SchemaLog} ({@link io.stashflow.api.registry.InMemorySchemaLog}, or the Kafka topic
 * of {@code io.stashflow.api.registry.kafka}) and decides ids and versions with the pure
 * {@link io.stashflow.api.registry.SchemaRegistryState}. {@code io.stashflow.api.registry.http} holds the Confluent REST
 * client and the HTTP endpoint that serves any registry with Confluent's API.
 */
package io.stashflow.api.registry;
