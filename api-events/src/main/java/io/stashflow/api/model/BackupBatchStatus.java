package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

public record BackupBatchStatus(
        Long observedGeneration,
        List<Condition> conditions,
        List<MemberConditions> memberConditions,
        String phase) {

    public BackupBatchStatus {
        conditions = ModelCollections.list(conditions);
        memberConditions = ModelCollections.list(memberConditions);
    }
}
