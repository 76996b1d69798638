package io.stashflow.planner.lifecycle;

import java.time.Instant;

/**
 * Names of the sessions Stashflow creates itself. Stash names a scheduled or retried BackupSession
 * {@code <invoker>-<unix seconds>} (kmodules' {@code NameWithSuffix}); two requests in the same second get the same
 * name and collapse into one session, which is also what Stash's create-or-patch does.
 */
public final class SessionNames {

    private SessionNames() {
    }

    public static String of(String invokerName, Instant createdAt) {
        return invokerName + "-" + createdAt.getEpochSecond();
    }
}
