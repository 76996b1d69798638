package io.stashflow.executor.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.stashflow.executor.kubernetes.PodView.ContainerView;
import io.stashflow.executor.kubernetes.PodView.Phase;
import io.stashflow.executor.kubernetes.PodView.PodFailure;
import io.stashflow.executor.plan.PlanStep;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a pod's status as step states and pod-level failures. Pure: the pod, the clock reading, the thresholds and the
 * pod's {@link StuckTimer} in, a {@link PodView} out.
 *
 * <p>Order of judgement, first match wins for the pod as a whole:
 * <ol>
 *   <li>{@code deletionTimestamp} set before every step succeeded → {@code PodDeleted};</li>
 *   <li>phase {@code Failed} with a pod reason ({@code Evicted}, {@code DeadlineExceeded}, ...) → that reason;</li>
 *   <li>the plan's deadline passed → {@code DeadlineExceeded} (the runtime deletes the pod);</li>
 *   <li>a container waiting in an image-pull or container-config error past its threshold → the waiting reason
 *       ({@code InvalidImageName} and {@code ErrImageNeverPull} at once: waiting cannot fix them);</li>
 *   <li>{@code PodScheduled=False/Unschedulable} past its threshold → {@code Unschedulable};</li>
 *   <li>phase {@code Unknown} past its threshold → {@code NodeLost};</li>
 *   <li>phase {@code Failed} with no failed container to explain it → {@code PodFailed}.</li>
 * </ol>
 * A container that terminated with a non-zero exit code is a failure of its own (reason from the kubelet:
 * {@code Error}, {@code OOMKilled}, ...) and needs no pod-level failure.
 */
public final class PodStatusInterpreter {

    private static final Set<String> IMAGE_PULL = Set.of("ErrImagePull", "ImagePullBackOff");
    private static final Set<String> IMAGE_HOPELESS = Set.of("InvalidImageName", "ErrImageNeverPull");
    private static final Set<String> CONTAINER_CONFIG = Set.of("CreateContainerConfigError", "CreateContainerError",
            "RunContainerError", "PreCreateHookError", "PreStartHookError");

    private PodStatusInterpreter() {
    }

    public static PodView interpret(List<PlanStep> steps, Pod pod, Instant now, Instant deadline,
                                    PodFailureThresholds thresholds, StuckTimer timer) {
        PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        Map<String, ContainerStatus> byName = new HashMap<>();
        if (status.getInitContainerStatuses() != null) {
            status.getInitContainerStatuses().forEach(s -> byName.put(s.getName(), s));
        }
        if (status.getContainerStatuses() != null) {
            status.getContainerStatuses().forEach(s -> byName.put(s.getName(), s));
        }
        String podPhase = status.getPhase() == null ? "Pending" : status.getPhase();

        List<ContainerView> views = new ArrayList<>();
        for (PlanStep step : steps) {
            views.add(view(step, byName.get(step.containerName()), podPhase));
        }
        PlanStep current = views.stream().filter(v -> v.phase() != Phase.SUCCEEDED).map(ContainerView::step)
                .findFirst().orElse(null);
        boolean allSucceeded = current == null;
        boolean containerFailed = views.stream().anyMatch(v -> v.phase() == Phase.FAILED);

        PodFailure failure = null;
        if (!allSucceeded) {
            failure = podFailure(pod, status, podPhase, current, views, now, deadline, thresholds, timer,
                    containerFailed);
        }
        timer.endRound();
        return new PodView(views, failure);
    }

    private static PodFailure podFailure(Pod pod, PodStatus status, String podPhase, PlanStep current,
                                         List<ContainerView> views, Instant now, Instant deadline,
                                         PodFailureThresholds thresholds, StuckTimer timer, boolean containerFailed) {
        boolean podFinished = "Failed".equals(podPhase) || "Succeeded".equals(podPhase);
        if (pod.getMetadata() != null && pod.getMetadata().getDeletionTimestamp() != null && !containerFailed) {
            return new PodFailure(current, "PodDeleted", "pod " + name(pod) + " was deleted (deletion requested at "
                    + pod.getMetadata().getDeletionTimestamp() + ") before container " + current.containerName()
                    + " finished", false);
        }
        if ("Failed".equals(podPhase) && status.getReason() != null && !status.getReason().isEmpty()) {
            String message = status.getMessage() == null || status.getMessage().isEmpty()
                    ? "pod " + name(pod) + " failed: " + status.getReason() : status.getMessage();
            return new PodFailure(current, status.getReason(), message, false);
        }
        if (containerFailed) {
            return null;
        }
        if (deadline != null && !now.isBefore(deadline) && !podFinished) {
            return new PodFailure(current, "DeadlineExceeded", "the session deadline " + deadline + " passed while"
                    + " container " + current.containerName() + " of pod " + name(pod) + " was "
                    + describe(views, current) + "; the pod was deleted", true);
        }
        // waiting containers: only the current one can be stuck, later ones have not been tried yet
        ContainerStatus cs = containerStatus(status, current.containerName());
        ContainerStateWaiting waiting = cs == null || cs.getState() == null ? null : cs.getState().getWaiting();
        if (waiting != null && waiting.getReason() != null) {
            String reason = waiting.getReason();
            String detail = waiting.getMessage() == null || waiting.getMessage().isEmpty() ? "" : ": " + waiting.getMessage();
            if (IMAGE_HOPELESS.contains(reason)) {
                return new PodFailure(current, reason, "container " + current.containerName() + " cannot start: "
                        + reason + detail, true);
            }
            Duration limit = IMAGE_PULL.contains(reason) ? thresholds.imagePull()
                    : CONTAINER_CONFIG.contains(reason) ? thresholds.containerConfig() : null;
            if (limit != null) {
                String key = current.containerName() + (IMAGE_PULL.contains(reason) ? "/image" : "/config");
                Instant since = timer.since(key, now, null);
                Duration stuck = Duration.between(since, now);
                if (stuck.compareTo(limit) >= 0) {
                    return new PodFailure(current, reason, "container " + current.containerName() + " of pod "
                            + name(pod) + " has been waiting in " + reason + " for " + seconds(stuck)
                            + " (threshold " + seconds(limit) + ")" + detail, true);
                }
            }
        }
        PodCondition scheduled = condition(status, "PodScheduled");
        if (scheduled != null && "False".equals(scheduled.getStatus()) && "Unschedulable".equals(scheduled.getReason())) {
            Instant since = timer.since("pod/unschedulable", now, null);
            Instant transition = parseTime(scheduled.getLastTransitionTime());
            if (transition != null && transition.isBefore(since)) {
                since = timer.since("pod/unschedulable", now, transition);
            }
            Duration stuck = Duration.between(since, now);
            if (stuck.compareTo(thresholds.unschedulable()) >= 0) {
                String detail = scheduled.getMessage() == null ? "" : ": " + scheduled.getMessage();
                return new PodFailure(current, "Unschedulable", "pod " + name(pod) + " could not be scheduled for "
                        + seconds(stuck) + " (threshold " + seconds(thresholds.unschedulable()) + ")" + detail, true);
            }
        }
        if ("Unknown".equals(podPhase)) {
            Duration stuck = Duration.between(timer.since("pod/unknown", now, null), now);
            if (stuck.compareTo(thresholds.nodeLost()) >= 0) {
                return new PodFailure(current, "NodeLost", "pod " + name(pod) + " has been in phase Unknown for "
                        + seconds(stuck) + " (threshold " + seconds(thresholds.nodeLost()) + "); its node stopped"
                        + " reporting", true);
            }
        }
        if ("Failed".equals(podPhase)) {
            return new PodFailure(current, "PodFailed", "pod " + name(pod) + " failed before container "
                    + current.containerName() + " finished" + (status.getMessage() == null ? "" : ": " + status.getMessage()),
                    false);
        }
        return null;
    }

    private static ContainerView view(PlanStep step, ContainerStatus cs, String podPhase) {
        ContainerState state = cs == null ? null : cs.getState();
        if (state != null && state.getTerminated() != null) {
            ContainerStateTerminated t = state.getTerminated();
            int exit = t.getExitCode() == null ? -1 : t.getExitCode();
            String reason = t.getReason() != null && !t.getReason().isEmpty() ? t.getReason()
                    : exit == 0 ? "Completed" : "Error";
            return new ContainerView(step, exit == 0 ? Phase.SUCCEEDED : Phase.FAILED, t.getExitCode(), reason,
                    emptyToNull(t.getMessage()), parseTime(t.getStartedAt()), parseTime(t.getFinishedAt()));
        }
        if (state != null && state.getRunning() != null) {
            return new ContainerView(step, Phase.RUNNING, null, null, null, parseTime(state.getRunning().getStartedAt()),
                    null);
        }
        if (state != null && state.getWaiting() != null) {
            return new ContainerView(step, Phase.WAITING, null, state.getWaiting().getReason(),
                    emptyToNull(state.getWaiting().getMessage()), null, null);
        }
        if ("Succeeded".equals(podPhase)) {
            // a finished pod whose status lost a container's state (seen after node restarts): it succeeded
            return new ContainerView(step, Phase.SUCCEEDED, null, "Completed", null, null, null);
        }
        return new ContainerView(step, Phase.NOT_STARTED, null, null, null, null, null);
    }

    private static ContainerStatus containerStatus(PodStatus status, String name) {
        for (List<ContainerStatus> list : List.of(nullToEmpty(status.getInitContainerStatuses()),
                nullToEmpty(status.getContainerStatuses()))) {
            for (ContainerStatus cs : list) {
                if (name.equals(cs.getName())) {
                    return cs;
                }
            }
        }
        return null;
    }

    private static PodCondition condition(PodStatus status, String type) {
        if (status.getConditions() == null) {
            return null;
        }
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    private static String describe(List<ContainerView> views, PlanStep current) {
        ContainerView v = views.get(current.position());
        return switch (v.phase()) {
            case RUNNING -> "running";
            case WAITING -> "waiting" + (v.reason() == null ? "" : " (" + v.reason() + ")");
            default -> "not started";
        };
    }

    static Instant parseTime(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String seconds(Duration d) {
        long s = d.toSeconds();
        return s >= 60 && s % 60 == 0 ? (s / 60) + "m" : d.toMillis() < 1000 ? d.toMillis() + "ms" : s + "s";
    }

    private static String name(Pod pod) {
        return pod.getMetadata() == null ? "?" : pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static <T> List<T> nullToEmpty(List<T> l) {
        return l == null ? List.of() : l;
    }
}
