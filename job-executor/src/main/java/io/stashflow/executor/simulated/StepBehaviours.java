package io.stashflow.executor.simulated;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.SessionKind;
import io.stashflow.events.StepRole;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/** Ready-made {@link StepBehaviour}s. */
public final class StepBehaviours {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StepBehaviours() {
    }

    /**
     * Every container runs for {@code delay}, then succeeds; an {@code update-status} container (role UPDATE_STATUS)
     * leaves the result the built-in update-status would write for one host ({@code host-0}, phase Succeeded, one
     * snapshot named after the plan, path {@code /simulated}) and, for a backup, the repository actions
     * ApplyRetentionPolicy and VerifyRepositoryIntegrity succeeded, integrity true. So a successful session ends
     * {@code Succeeded} in the reporter exactly as one whose pod really ran.
     *
     * <p>With {@code failureRatio} above 0, that share of the plans (chosen by a hash of the plan id, so the same plan
     * always behaves the same) fails its first container after {@code delay} with exit code 1 and the message
     * {@code simulated failure}; the rest of the chain does not run, as in a pod.
     */
    public static StepBehaviour succeedAfter(Duration delay, double failureRatio) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("the step delay cannot be negative: " + delay);
        }
        if (failureRatio < 0 || failureRatio > 1 || Double.isNaN(failureRatio)) {
            throw new IllegalArgumentException("the failure ratio must be between 0 and 1, not " + failureRatio);
        }
        return (plan, container, step) -> {
            if (step.position() == 0 && fails(plan.getPlanId(), failureRatio)) {
                return new SimulatedStep(delay, 1, "simulated failure (failure ratio " + failureRatio + ") of "
                        + container.getName());
            }
            String message = step.role() == StepRole.UPDATE_STATUS ? updateStatusResult(plan, delay) : null;
            return new SimulatedStep(delay, 0, message);
        };
    }

    /** Whether the plan falls into the failing share: its hash, as a fraction of the range, is below the ratio. */
    static boolean fails(String planId, double failureRatio) {
        if (failureRatio <= 0) {
            return false;
        }
        long unsigned = fnv1a(planId) >>> 11; // 53 bits: exactly representable as a double
        return unsigned / (double) (1L << 53) < failureRatio;
    }

    private static long fnv1a(String text) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        // FNV's low bits mix poorly for short inputs; a final avalanche step spreads them
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        return hash;
    }

    /** The built-in update-status result (version 1) for one successful host. */
    static String updateStatusResult(JobPlanned plan, Duration delay) {
        boolean backup = plan.getSessionKey().getKind() == SessionKind.BACKUP;
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        root.put("kind", backup ? "backup" : "restore");
        root.put("namespace", plan.getSessionKey().getNamespace());
        root.put("session", plan.getSessionKey().getName());
        root.put("simulated", true);
        ObjectNode host = root.putArray("hosts").addObject();
        host.put("hostname", "host-0");
        host.put("phase", "Succeeded");
        host.put("duration", goDuration(delay));
        if (backup) {
            ObjectNode snapshot = host.putArray("snapshots").addObject();
            snapshot.put("name", String.format(Locale.ROOT, "%08x", fnv1a(plan.getPlanId()) & 0xffffffffL));
            snapshot.put("path", "/simulated");
            snapshot.put("totalSize", "0 B");
            snapshot.put("uploaded", "0 B");
            snapshot.put("processingTime", "0:00");
            ObjectNode files = snapshot.putObject("fileStats");
            files.put("totalFiles", 0);
            files.put("newFiles", 0);
            files.put("modifiedFiles", 0);
            files.put("unmodifiedFiles", 0);
            ObjectNode repository = root.putObject("repository");
            ArrayNode actions = repository.putArray("actions");
            action(actions, "forget", "ApplyRetentionPolicy");
            action(actions, "check", "VerifyRepositoryIntegrity");
            repository.put("integrity", true);
            repository.put("totalSize", "0 B");
            repository.put("snapshotCount", 1);
            repository.put("snapshotsRemovedOnLastCleanup", 0);
        }
        return root.toString();
    }

    private static void action(ArrayNode actions, String action, String stashAction) {
        ObjectNode a = actions.addObject();
        a.put("action", action);
        a.put("stashAction", stashAction);
        a.put("outcome", "Succeeded");
        a.put("message", "simulated");
    }

    /** A Go duration text ({@code 250ms}, {@code 1.5s}) as Stash writes host durations. */
    static String goDuration(Duration d) {
        long millis = d.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        String seconds = String.format(Locale.ROOT, "%.3f", millis / 1000.0).replaceAll("0+$", "").replaceAll("\\.$", "");
        return seconds + "s";
    }
}
