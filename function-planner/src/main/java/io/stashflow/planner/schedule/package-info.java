/**
 * The schedule trigger's pure core: the CronJob schedule language
 * ({@link io.stashflow.planner.schedule.CronSchedules}), the per-invoker jitter
 * ({@link io.stashflow.planner.schedule.ScheduleJitter}) and the decision whether a tick fires
 * ({@link io.stashflow.planner.schedule.TickPolicy}).
 */
package io.stashflow.planner.schedule;
