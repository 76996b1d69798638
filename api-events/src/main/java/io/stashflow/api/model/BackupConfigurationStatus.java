package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** @param phase {@code Invalid}, {@code Ready} or {@code NotReady} */
public record BackupConfigurationStatus(Long observedGeneration, List<Condition> conditions, String phase) {

    public BackupConfigurationStatus {
        conditions = ModelCollections.list(conditions);
    }
}
