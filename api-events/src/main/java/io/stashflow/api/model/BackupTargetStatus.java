package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * @param phase {@code Pending}, {@code Succeeded}, {@code Running} or {@code Failed}
 * @param preBackupActions e.g. {@code InitializeBackendRepository}
 * @param postBackupActions e.g. {@code ApplyRetentionPolicy}, {@code VerifyRepositoryIntegrity}, {@code SendRepositoryMetrics}
 */
public record BackupTargetStatus(
        TargetRef ref,
        Integer totalHosts,
        String phase,
        List<HostBackupStats> stats,
        List<String> preBackupActions,
        List<String> postBackupActions,
        List<Condition> conditions) {

    public BackupTargetStatus {
        stats = ModelCollections.list(stats);
        preBackupActions = ModelCollections.list(preBackupActions);
        postBackupActions = ModelCollections.list(postBackupActions);
        conditions = ModelCollections.list(conditions);
    }
}
