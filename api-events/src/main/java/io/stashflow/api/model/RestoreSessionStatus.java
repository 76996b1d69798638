package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** @param phase {@code Pending}, {@code Running}, {@code Succeeded}, {@code Failed}, {@code Unknown} or {@code Invalid} */
public record RestoreSessionStatus(
        String phase,
        Integer totalHosts,
        String sessionDuration,
        List<HostRestoreStats> stats,
        List<Condition> conditions,
        String sessionDeadline) {

    public RestoreSessionStatus {
        stats = ModelCollections.list(stats);
        conditions = ModelCollections.list(conditions);
    }
}
