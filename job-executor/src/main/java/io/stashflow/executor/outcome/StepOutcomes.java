package io.stashflow.executor.outcome;

import io.stashflow.events.HostStats;
import io.stashflow.events.StepOutcome;
import io.stashflow.events.StepRole;
import io.stashflow.events.StepState;
import io.stashflow.executor.plan.PlanIdentity;
import io.stashflow.executor.runtime.StepEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Turns what a runtime observed into the {@link StepOutcome} event the reporter consumes. */
public final class StepOutcomes {

    /** Kubernetes caps termination messages at 4096 bytes; outcomes carry no more from any runtime. */
    public static final int MAX_MESSAGE_BYTES = 4096;

    private StepOutcomes() {
    }

    /**
     * The de-duplication key: {@code planId/runUid/container/attempt/state}. The same observation made twice (an
     * informer resync, an agent restart) yields the same id, so the reporter keeps one.
     */
    public static String outcomeId(PlanIdentity identity, String runUid, String containerName, StepState state) {
        return identity.planId() + "/" + (runUid == null ? "-" : runUid) + "/" + containerName + "/"
                + identity.attempt() + "/" + state.name();
    }

    public static StepOutcome of(StepEvent event, Instant observedAt) {
        PlanIdentity id = event.identity();
        return StepOutcome.newBuilder()
                .setOutcomeId(outcomeId(id, event.runUid(), event.step().containerName(), event.state()))
                .setSessionKey(id.sessionKey())
                .setInvoker(id.invoker())
                .setTarget(id.target())
                .setTotalHosts(1)
                .setRepositoryName(id.repositoryName())
                .setDeadline(id.deadline())
                .setHost(hostOf(event))
                .setStepIndex(event.step().position())
                .setContainerName(event.step().containerName())
                .setRole(event.step().role())
                .setState(event.state())
                .setExitCode(event.exitCode())
                .setReason(event.reason())
                .setMessage(truncate(event.message()))
                .setHostStats(hostStats(event))
                .setRepositoryResult(event.output().repositoryResult())
                .setStartedAt(event.startedAt())
                .setFinishedAt(event.finishedAt())
                .setPodName(event.runName())
                .setPodUid(event.runUid())
                .setAttempt(id.attempt())
                .setObservedAt(observedAt)
                .setMainContainer(!event.step().init())
                .build();
    }

    /**
     * The step's own host stats; for the successful main container of a plan without update-status (Stash puts
     * update-status last, as the main container, so a main container of another role means there is none) a
     * Succeeded host with the container's duration, because nothing else would ever report the host.
     *
     * <p>A Task step that runs as an init container never speaks for the host, even when it wrote Stash's
     * {@code output.json} (pvc-backup, pvc-restore and the catalog addons do): the steps after it still run, and
     * update-status relays those stats when the pod is done. Reporting them here would end the session as soon as the
     * restic step finished, before the rest of the pod (a restore's database load, update-status) had run.
     */
    static List<HostStats> hostStats(StepEvent event) {
        if (event.step().init() && event.step().role() == StepRole.STEP) {
            return List.of();
        }
        if (!event.output().hostStats().isEmpty() || event.step().init()
                || event.step().role() != StepRole.STEP
                || event.state() != StepState.SUCCEEDED) {
            return event.output().hostStats();
        }
        return List.of(HostStats.newBuilder()
                .setHostname("host-0")
                .setPhase("Succeeded")
                .setDuration(event.startedAt() != null && event.finishedAt() != null
                        ? goDuration(Duration.between(event.startedAt(), event.finishedAt())) : null)
                .setError(null)
                .setSnapshots(List.of())
                .build());
    }

    /** Go's {@code time.Duration.String()} for the non-negative durations a container runs: 397ms, 1.5s, 2m3.25s. */
    static String goDuration(Duration d) {
        long nanos = Math.max(0, d.toNanos());
        if (nanos == 0) {
            return "0s";
        }
        if (nanos < 1_000_000_000L) {
            return trim(BigDecimal.valueOf(nanos, 6)) + "ms";
        }
        long hours = nanos / 3_600_000_000_000L;
        long minutes = nanos / 60_000_000_000L % 60;
        BigDecimal seconds = BigDecimal.valueOf(nanos % 60_000_000_000L, 9);
        StringBuilder text = new StringBuilder();
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            text.append(minutes).append('m');
        }
        return text.append(trim(seconds)).append('s').toString();
    }

    private static String trim(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    /** The Job model has one host per target; the step's own stats name it when present. */
    private static String hostOf(StepEvent event) {
        if (event.output().hostStats().size() == 1) {
            return event.output().hostStats().get(0).getHostname();
        }
        return "host-0";
    }

    /** Keeps the tail: the end of a log or message says what went wrong. Cuts on a character boundary. */
    static String truncate(String message) {
        if (message == null) {
            return null;
        }
        byte[] bytes = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes.length <= MAX_MESSAGE_BYTES) {
            return message;
        }
        int start = bytes.length - MAX_MESSAGE_BYTES;
        while (start < bytes.length && (bytes[start] & 0xC0) == 0x80) {
            start++;
        }
        return new String(bytes, start, bytes.length - start, java.nio.charset.StandardCharsets.UTF_8);
    }
}
