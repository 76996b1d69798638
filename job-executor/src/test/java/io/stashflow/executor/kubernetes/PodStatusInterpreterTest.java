package io.stashflow.executor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.stashflow.events.StepRole;
import io.stashflow.executor.kubernetes.PodView.Phase;
import io.stashflow.executor.plan.PlanStep;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pod status → step states and pod failures, without any API server. */
class PodStatusInterpreterTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final List<PlanStep> STEPS = List.of(
            new PlanStep("backup-0", 0, "backup", StepRole.STEP, false, true),
            new PlanStep("update-status-1", 1, "update-status", StepRole.UPDATE_STATUS, true, false));
    private static final PodFailureThresholds THRESHOLDS = PodFailureThresholds.all(Duration.ofMinutes(5));

    private static ContainerStatus terminated(String name, int exit, String reason, String message) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewTerminated().withExitCode(exit)
                .withReason(reason).withMessage(message).withStartedAt("2026-01-01T10:00:01Z")
                .withFinishedAt("2026-01-01T10:00:05Z").endTerminated().endState().build();
    }

    private static ContainerStatus running(String name) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewRunning()
                .withStartedAt("2026-01-01T10:00:01Z").endRunning().endState().build();
    }

    private static ContainerStatus waiting(String name, String reason) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewWaiting().withReason(reason)
                .withMessage("details of " + reason).endWaiting().endState().build();
    }

    private static Pod pod(String phase, List<ContainerStatus> init, List<ContainerStatus> main) {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").endMetadata()
                .withNewStatus().withPhase(phase).withInitContainerStatuses(init).withContainerStatuses(main).endStatus()
                .build();
    }

    private static PodView read(Pod pod, Instant now, StuckTimer timer) {
        return PodStatusInterpreter.interpret(STEPS, pod, now, null, THRESHOLDS, timer);
    }

    @Test
    void aSucceededPodHasEveryStepSucceededWithTimesAndMessages() {
        PodView view = read(pod("Succeeded", List.of(terminated("backup-0", 0, "Completed", "{}")),
                List.of(terminated("update-status-1", 0, "Completed", "done"))), T0, new StuckTimer());
        assertTrue(view.succeeded());
        assertTrue(view.ended());
        assertEquals("done", view.containers().get(1).message());
        assertEquals(Instant.parse("2026-01-01T10:00:05Z"), view.containers().get(0).finishedAt());
    }

    @Test
    void aFailingInitContainerEndsTheRunWithItsExitCode() {
        PodView view = read(pod("Failed", List.of(terminated("backup-0", 3, "Error", "repository is locked")),
                List.of(waiting("update-status-1", "PodInitializing"))), T0, new StuckTimer());
        assertNull(view.failure(), "a container failure needs no pod-level failure");
        assertEquals(3, view.failedContainer().exitCode());
        assertEquals("repository is locked", view.failedContainer().message());
        assertTrue(view.ended());
    }

    @Test
    void anOomKilledContainerKeepsTheKubeletsReason() {
        PodView view = read(pod("Failed", List.of(terminated("backup-0", 137, "OOMKilled", null)), List.of()), T0,
                new StuckTimer());
        assertEquals("OOMKilled", view.failedContainer().reason());
    }

    @Test
    void anEvictedPodFailsTheCurrentStepWithReasonEvicted() {
        Pod evicted = new PodBuilder(pod("Failed", List.of(terminated("backup-0", 0, "Completed", null)),
                List.of(running("update-status-1")))).editStatus().withReason("Evicted")
                .withMessage("The node was low on resource: ephemeral-storage.").endStatus().build();
        PodView view = read(evicted, T0, new StuckTimer());
        assertEquals("Evicted", view.failure().reason());
        assertEquals("update-status-1", view.failure().step().containerName());
        assertTrue(view.failure().message().contains("ephemeral-storage"));
        assertFalse(view.failure().deletePod(), "an evicted pod is already finished; it stays as history");
    }

    @Test
    void aPodBeingDeletedFailsItsCurrentStep() {
        Pod deleting = new PodBuilder(pod("Running", List.of(terminated("backup-0", 0, "Completed", null)),
                List.of(running("update-status-1")))).editMetadata().withDeletionTimestamp("2026-01-01T10:01:00Z")
                .endMetadata().build();
        PodView view = read(deleting, T0, new StuckTimer());
        assertEquals("PodDeleted", view.failure().reason());
        assertEquals("update-status-1", view.failure().step().containerName());
    }

    @Test
    void imagePullBackOffFailsOnlyAfterItsThresholdEvenWhenTheReasonAlternates() {
        StuckTimer timer = new StuckTimer();
        Pod backOff = pod("Pending", List.of(waiting("backup-0", "ImagePullBackOff")), List.of());
        Pod errPull = pod("Pending", List.of(waiting("backup-0", "ErrImagePull")), List.of());
        assertNull(read(backOff, T0, timer).failure());
        assertNull(read(errPull, T0.plusSeconds(120), timer).failure());
        PodView view = read(backOff, T0.plusSeconds(300), timer);
        assertEquals("ImagePullBackOff", view.failure().reason());
        assertTrue(view.failure().message().contains("5m"), view.failure().message());
        assertTrue(view.failure().deletePod());
        assertEquals(Phase.WAITING, view.containers().get(0).phase());
    }

    @Test
    void aStuckConditionThatClearsStartsFromZeroWhenItReturns() {
        StuckTimer timer = new StuckTimer();
        Pod backOff = pod("Pending", List.of(waiting("backup-0", "ImagePullBackOff")), List.of());
        read(backOff, T0, timer);
        read(pod("Pending", List.of(running("backup-0")), List.of()), T0.plusSeconds(200), timer);
        assertNull(read(backOff, T0.plusSeconds(400), timer).failure(), "the clock restarted at 400s");
    }

    @Test
    void anInvalidImageNameFailsAtOnce() {
        PodView view = read(pod("Pending", List.of(waiting("backup-0", "InvalidImageName")), List.of()), T0,
                new StuckTimer());
        assertEquals("InvalidImageName", view.failure().reason());
    }

    @Test
    void unschedulableCountsFromTheConditionsTransitionTime() {
        Pod pod = new PodBuilder(pod("Pending", List.of(), List.of())).editStatus().withConditions(
                new PodConditionBuilder().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                        .withMessage("0/3 nodes are available").withLastTransitionTime("2026-01-01T09:40:00Z").build())
                .endStatus().build();
        PodView view = read(pod, T0, new StuckTimer());
        assertEquals("Unschedulable", view.failure().reason());
        assertEquals("backup-0", view.failure().step().containerName());
        assertTrue(view.failure().message().contains("0/3 nodes"), view.failure().message());
    }

    @Test
    void theDeadlineFailsTheRunningStepAndAsksToDeleteThePod() {
        Pod pod = pod("Pending", List.of(running("backup-0")), List.of());
        PodView before = PodStatusInterpreter.interpret(STEPS, pod, T0, T0.plusSeconds(1), THRESHOLDS, new StuckTimer());
        assertNull(before.failure());
        PodView after = PodStatusInterpreter.interpret(STEPS, pod, T0.plusSeconds(1), T0.plusSeconds(1), THRESHOLDS,
                new StuckTimer());
        assertEquals("DeadlineExceeded", after.failure().reason());
        assertTrue(after.failure().message().contains("running"), after.failure().message());
        assertTrue(after.failure().deletePod());
    }

    @Test
    void aPodWithoutStatusHasNothingStarted() {
        PodView view = read(new PodBuilder().withNewMetadata().withName("p").endMetadata().build(), T0, new StuckTimer());
        assertFalse(view.ended());
        assertEquals(Phase.NOT_STARTED, view.containers().get(0).phase());
    }

    @Test
    void aLostNodeFailsAfterItsThreshold() {
        StuckTimer timer = new StuckTimer();
        Pod unknown = pod("Unknown", List.of(running("backup-0")), List.of());
        assertNull(read(unknown, T0, timer).failure());
        assertEquals("NodeLost", read(unknown, T0.plusSeconds(301), timer).failure().reason());
    }
}
