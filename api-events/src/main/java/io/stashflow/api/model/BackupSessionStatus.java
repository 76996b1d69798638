package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * @param phase {@code Pending}, {@code Skipped}, {@code Running}, {@code Succeeded}, {@code Failed} or {@code Unknown}
 * @param sessionDuration a Go duration such as {@code 1m5s}, set once the phase is final
 * @param sessionDeadline RFC 3339 time
 * @param nextRetry RFC 3339 time
 */
public record BackupSessionStatus(
        String phase,
        String sessionDuration,
        List<BackupTargetStatus> targets,
        List<Condition> conditions,
        String sessionDeadline,
        Boolean retried,
        String nextRetry) {

    public BackupSessionStatus {
        targets = ModelCollections.list(targets);
        conditions = ModelCollections.list(conditions);
    }
}
