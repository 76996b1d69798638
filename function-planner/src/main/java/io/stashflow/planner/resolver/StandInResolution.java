package io.stashflow.planner.resolver;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A backup session resolved under a stand-in name ({@link StashResolver#resolveBackupSessionWithStandIn}), and
 * whether its plans are, up to the name, those of every other session of the same invoker.
 *
 * @param standIn     the stand-in session name
 * @param plans       the plans of the session named {@code standIn}, one per target
 * @param notReusable why the plans cannot stand for other sessions (where the name is used in another way than
 *                    copied into container args, commands and env values); empty when they can
 */
public record StandInResolution(String standIn, List<ResolvedPlan> plans, Optional<String> notReusable) {

    public StandInResolution {
        Objects.requireNonNull(standIn, "standIn");
        plans = List.copyOf(plans);
        Objects.requireNonNull(notReusable, "notReusable");
    }

    public boolean reusable() {
        return notReusable.isEmpty();
    }
}
