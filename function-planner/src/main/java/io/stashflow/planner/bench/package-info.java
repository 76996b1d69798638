/** {@code stashflow bench planner}: the planner's throughput and latency next to a Kafka Streams pass-through. */
package io.stashflow.planner.bench;
