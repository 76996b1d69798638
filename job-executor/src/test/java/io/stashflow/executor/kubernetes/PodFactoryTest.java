package io.stashflow.executor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.StepRole;
import io.stashflow.executor.plan.PlanIdentity;
import io.stashflow.executor.testing.TestPlans;
import io.stashflow.executor.testing.TestPlans.Step;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the agent adds to the plan's pod, without an API server. */
class PodFactoryTest {

    private static JobPlanned plan(String podSecurityContextJson, String containerSecurityContextJson) {
        JobPlanned plan = TestPlans.plan("sess").ownedBySession()
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS)).build();
        plan.getPod().getSettings().setSecurityContextJson(podSecurityContextJson);
        plan.getPod().getContainer().setSecurityContextJson(containerSecurityContextJson);
        return plan;
    }

    private static Pod build(JobPlanned plan) {
        return PodFactory.build(plan, PlanIdentity.of(plan, 1), Instant.now(), ref -> Optional.of("uid-1"));
    }

    @Test
    void restrictiveDefaultsWhereThePlanSaysNothing() {
        Pod pod = build(plan(null, null));
        Container c = pod.getSpec().getContainers().get(0);
        assertEquals(Boolean.TRUE, c.getSecurityContext().getRunAsNonRoot());
        assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
        assertEquals("RuntimeDefault", pod.getSpec().getSecurityContext().getSeccompProfile().getType());
        assertEquals("uid-1", pod.getMetadata().getOwnerReferences().get(0).getUid());
        assertNull(pod.getSpec().getActiveDeadlineSeconds(), "no deadline, no backstop");
    }

    @Test
    void aRestoreRunningAsRootIsNotForcedToNonRoot() {
        Pod pod = build(plan("{\"runAsUser\":0,\"runAsGroup\":0}", null));
        assertNull(pod.getSpec().getContainers().get(0).getSecurityContext().getRunAsNonRoot());
        assertEquals(0L, pod.getSpec().getSecurityContext().getRunAsUser());
    }

    @Test
    void whatThePlanSetsIsKept() {
        Pod pod = build(plan("{\"seccompProfile\":{\"type\":\"Unconfined\"},\"runAsNonRoot\":false}",
                "{\"privileged\":true,\"capabilities\":{\"add\":[\"SYS_ADMIN\"]}}"));
        Container c = pod.getSpec().getContainers().get(0);
        assertEquals("Unconfined", pod.getSpec().getSecurityContext().getSeccompProfile().getType());
        assertNull(c.getSecurityContext().getRunAsNonRoot(), "the pod said runAsNonRoot false");
        assertNull(c.getSecurityContext().getAllowPrivilegeEscalation(), "privileged containers cannot have it false");
        assertEquals(List.of("SYS_ADMIN"), c.getSecurityContext().getCapabilities().getAdd());
        assertTrue(c.getSecurityContext().getCapabilities().getDrop().isEmpty(), "capabilities given: left alone");
    }

    @Test
    void anOwnerThatCannotBeFoundIsLeftOut() {
        JobPlanned plan = plan(null, null);
        Pod pod = PodFactory.build(plan, PlanIdentity.of(plan, 1), Instant.now(), ref -> Optional.empty());
        assertTrue(pod.getMetadata().getOwnerReferences().isEmpty());
    }

    @Test
    void longNamesBecomeLegalDistinctLabelValues() {
        String a = "a".repeat(80) + ".one";
        String b = "a".repeat(80) + ".two";
        assertTrue(PodLabels.value(a).length() <= 63);
        assertTrue(!PodLabels.value(a).equals(PodLabels.value(b)));
        assertEquals("short-name", PodLabels.value("short-name"));
        assertTrue(PodLabels.value("-weird/name-").matches("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?"));
    }
}
