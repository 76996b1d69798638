package io.stashflow.reporter.core;

import io.stashflow.events.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** kmapi-style helpers over condition lists: find, test and upsert by type. */
public final class Conditions {

    private Conditions() {
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions.stream().filter(c -> c.getType().equals(type)).findFirst();
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> ConditionTypes.TRUE.equals(c.getStatus())).orElse(false);
    }

    public static boolean isFalse(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> ConditionTypes.FALSE.equals(c.getStatus())).orElse(false);
    }

    public static boolean has(List<Condition> conditions, String type) {
        return find(conditions, type).isPresent();
    }

    public static Condition of(String type, boolean status, String reason, String message, Instant at) {
        return Condition.newBuilder()
                .setType(type)
                .setStatus(status ? ConditionTypes.TRUE : ConditionTypes.FALSE)
                .setReason(reason)
                .setMessage(message)
                .setLastTransitionTime(at)
                .setObservedGeneration(null)
                .build();
    }

    /**
     * Replaces the condition of the same type, or adds it. Like kmapi's {@code SetCondition}, the transition time of
     * an existing condition is kept when its status does not change.
     */
    public static List<Condition> upsert(List<Condition> conditions, Condition condition) {
        List<Condition> out = new ArrayList<>(conditions.size() + 1);
        boolean replaced = false;
        for (Condition c : conditions) {
            if (c.getType().equals(condition.getType())) {
                Condition next = Condition.newBuilder(condition).build();
                if (c.getStatus().equals(condition.getStatus()) && c.getLastTransitionTime() != null) {
                    next.setLastTransitionTime(c.getLastTransitionTime());
                }
                out.add(next);
                replaced = true;
            } else {
                out.add(c);
            }
        }
        if (!replaced) {
            out.add(condition);
        }
        return out;
    }

    /** Sorted by type, so two lists with the same conditions compare equal whatever order they were built in. */
    public static List<Condition> sorted(List<Condition> conditions) {
        List<Condition> out = new ArrayList<>(conditions);
        out.sort(Comparator.comparing(Condition::getType));
        return out;
    }
}
