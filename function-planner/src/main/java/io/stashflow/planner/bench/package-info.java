/**
 * {@code stashflow bench planner}: the planner's throughput and latency next to a Kafka Streams pass-through; the
 * bench definitions and the pass-through baseline, also used by {@code stashflow bench fleet}.
 */
package io.stashflow.planner.bench;
