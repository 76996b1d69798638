/**
 * The function-planner service: typed configuration ({@link io.stashflow.planner.service.PlannerConfig}), wiring and
 * lifecycle ({@link io.stashflow.planner.service.PlannerService}), metrics, and the session requests people ask for
 * ({@link io.stashflow.planner.service.SessionRequests}).
 */
package io.stashflow.planner.service;
