package io.stashflow.reporter.k8s;

import io.stashflow.events.HostStats;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.TargetStatus;
import io.stashflow.reporter.core.Phases;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The Kubernetes Events Stash's update-status writes on a session, one per host result: type {@code Normal} with
 * reason {@code Host Backup Succeeded} (restore: {@code Host Restore Succeeded}), or {@code Warning} with
 * {@code Host Backup Failed} ({@code Host Restore Failed}) and the host's error. Pure: which events a status calls for.
 *
 * <p>Event names are derived from the session, target, host and phase, so writing the same event twice (a restart,
 * a redelivered status) is a conflict the writer ignores instead of a duplicate.
 */
public final class HostEvents {

    /** One event to create. */
    public record HostEvent(String name, String type, String reason, String message, String hostname) {
    }

    private HostEvents() {
    }

    public static List<HostEvent> of(SessionStatus status) {
        boolean backup = status.getSessionKey().getKind() == SessionKind.BACKUP;
        String op = backup ? "Backup" : "Restore";
        List<HostEvent> events = new ArrayList<>();
        for (int t = 0; t < status.getTargets().size(); t++) {
            TargetStatus target = status.getTargets().get(t);
            for (HostStats host : target.getStats()) {
                boolean succeeded = Phases.SUCCEEDED.equals(host.getPhase());
                boolean failed = Phases.FAILED.equals(host.getPhase());
                if (!succeeded && !failed) {
                    continue;
                }
                String name = status.getSessionKey().getName() + "." + digest(t + "/" + target.getRef().getKind() + "/"
                        + target.getRef().getName() + "/" + host.getHostname() + "/" + host.getPhase());
                if (succeeded) {
                    events.add(new HostEvent(name, "Normal", "Host " + op + " Succeeded",
                            op + " succeeded for host " + host.getHostname() + " of " + target.getRef().getKind() + " "
                                    + target.getRef().getName() + ".", host.getHostname()));
                } else {
                    events.add(new HostEvent(name, "Warning", "Host " + op + " Failed",
                            op.toLowerCase(java.util.Locale.ROOT) + " failed for host " + host.getHostname() + ". Reason: "
                                    + (host.getError() == null ? "unknown" : host.getError()), host.getHostname()));
                }
            }
        }
        return events;
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
