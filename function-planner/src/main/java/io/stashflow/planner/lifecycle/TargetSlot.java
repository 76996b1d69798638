package io.stashflow.planner.lifecycle;

import java.util.Objects;

/**
 * One target of a session: its position among the invoker's targets, whether its pod was planned, and its phase as
 * the reporter last wrote it.
 *
 * @param phase the target's phase from {@code stash.session-status} ({@code Pending}, {@code Running},
 *              {@code Succeeded}, {@code Failed}); null until reported
 */
public record TargetSlot(int index, TargetKey ref, boolean planned, String phase) {

    public TargetSlot {
        Objects.requireNonNull(ref, "ref");
    }

    public static TargetSlot waiting(int index, TargetKey ref) {
        return new TargetSlot(index, ref, false, null);
    }

    public TargetSlot asPlanned() {
        return new TargetSlot(index, ref, true, phase);
    }

    public TargetSlot withPhase(String newPhase) {
        return new TargetSlot(index, ref, planned, newPhase);
    }

    public boolean complete() {
        return SessionPhases.isTargetComplete(phase);
    }
}
