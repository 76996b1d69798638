/**
 * The planner's two Kafka Streams topologies, built in factory methods: the planner
 * ({@link io.stashflow.planner.topology.PlannerTopology}: session requests and statuses in, plans, rejections and
 * retries out) and the scheduler ({@link io.stashflow.planner.topology.SchedulerTopology}: definitions in, scheduled
 * session requests out).
 */
package io.stashflow.planner.topology;
