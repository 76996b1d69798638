package io.stashflow.api.model;

import java.util.List;

/** restic {@code forget} policy applied after a backup. */
public record RetentionPolicy(
        String name,
        Integer keepLast,
        Integer keepHourly,
        Integer keepDaily,
        Integer keepWeekly,
        Integer keepMonthly,
        Integer keepYearly,
        List<String> keepTags,
        Boolean prune,
        Boolean dryRun) {

    public RetentionPolicy {
        keepTags = ModelCollections.list(keepTags);
    }
}
