package io.stashflow.planner.topology;

import java.util.Map;
import java.util.Objects;

/**
 * What the scheduler keeps per scheduled invoker (store {@code planner-schedules}, keyed like the definition):
 * the schedule as written, whether the invoker is paused, the labels and retryLeft its sessions get, and the tick
 * state ({@code anchor}, {@code lastTick}) that makes every tick fire exactly once.
 *
 * @param problem why the schedule cannot be used (it then never fires); null when it is valid
 */
public record ScheduleEntry(String cluster, String namespace, String name, String kind, String schedule,
                            boolean paused, Map<String, String> labels, int retryLeft, long anchorMillis,
                            Long lastTickMillis, String problem) {

    public ScheduleEntry {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    ScheduleEntry withLastTick(Long tick) {
        return new ScheduleEntry(cluster, namespace, name, kind, schedule, paused, labels, retryLeft, anchorMillis,
                tick, problem);
    }
}
