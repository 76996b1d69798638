package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

public record MemberConditions(TargetRef target, List<Condition> conditions) {

    public MemberConditions {
        conditions = ModelCollections.list(conditions);
    }
}
