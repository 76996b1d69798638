/**
 * Stash's BackupSession lifecycle rules as plain Java (no Kafka, no Kubernetes): the skip and pending rules
 * ({@link io.stashflow.planner.lifecycle.ConcurrencyRules}), retries ({@link io.stashflow.planner.lifecycle.RetryRule}),
 * the session deadline ({@link io.stashflow.planner.lifecycle.DeadlinePolicy}), Go durations, and what the planner
 * remembers about a session ({@link io.stashflow.planner.lifecycle.TrackedSession}).
 */
package io.stashflow.planner.lifecycle;
