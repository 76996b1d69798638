package io.stashflow.executor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stashflow.executor.testing.PatientClient;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.StepRole;
import io.stashflow.events.StepState;
import io.stashflow.executor.mirror.StashKinds;
import io.stashflow.executor.runtime.LaunchException;
import io.stashflow.executor.runtime.RunEnded;
import io.stashflow.executor.runtime.StepEvent;
import io.stashflow.executor.testing.FakeKubelet;
import io.stashflow.executor.testing.FakeKubelet.PodScript;
import io.stashflow.executor.testing.MockApiServer;
import io.stashflow.executor.testing.RecordingListener;
import io.stashflow.executor.testing.TestPlans;
import io.stashflow.executor.testing.TestPlans.Step;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Kubernetes-only behaviour: pods that go wrong in ways only a cluster has, and what the agent puts on its pods. */
class KubernetesJobRuntimeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AtomicInteger N = new AtomicInteger();

    // one mock API server and one kubelet for the class; each test has its own cluster id
    static MockApiServer api;
    static KubernetesClient client;
    static FakeKubelet kubelet;
    KubernetesJobRuntime runtime;
    RecordingListener events;
    String cluster;

    @BeforeAll
    static void startKubelet() throws Exception {
        api = MockApiServer.start(new PatientClient());
        client = api.client();
        kubelet = new FakeKubelet(client).start();
        try (InputStream in = KubernetesJobRuntimeTest.class.getResourceAsStream("/crds/stash-crds.yaml")) {
            client.load(in).items().forEach(crd -> client.resource(crd).create());
        }
    }

    @AfterAll
    static void stopKubelet() {
        try {
            kubelet.close();
        } finally {
            api.close();
        }
    }

    @BeforeEach
    void start() {
        cluster = "k" + N.incrementAndGet();
        events = new RecordingListener();
        runtime = new KubernetesJobRuntime(client, KubernetesJobRuntimeContractTest.settings(cluster)
                .withThresholds(PodFailureThresholds.all(Duration.ofMillis(400))), Clock.systemUTC());
        runtime.start(events);
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    private static String session(String what) {
        return what + "-" + N.incrementAndGet();
    }

    private TestPlans.Builder plan(String session) {
        return TestPlans.plan(session).cluster(cluster);
    }

    private JobPlanned twoSteps(String session, double sleep) {
        return plan(session)
                .step(Step.ok("pg-backup").sleep(sleep))
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS))
                .build();
    }

    private Pod pod(JobPlanned plan) {
        return client.pods().inNamespace(plan.getPod().getNamespace()).withName(plan.getPod().getName()).get();
    }

    private StepEvent failure(JobPlanned plan) {
        return events.awaitStep(plan.getPlanId(), e -> e.state() == StepState.FAILED, WAIT);
    }

    @Test
    void aDeletedPodEndsTheSessionWithPodDeleted() throws Exception {
        JobPlanned plan = twoSteps(session("deleted"), 0.1);
        kubelet.script(plan.getPod().getName(), PodScript.neverTerminate("update-status-1"));
        runtime.launch(plan);
        events.awaitStarted(plan.getPlanId(), "update-status-1", WAIT);
        client.pods().inNamespace(TestPlans.NAMESPACE).withName(plan.getPod().getName()).delete();

        RunEnded end = events.awaitEnd(plan.getPlanId(), WAIT);
        assertEquals("PodDeleted", end.reason());
        StepEvent failed = failure(plan);
        assertEquals("update-status-1", failed.step().containerName());
        assertEquals("PodDeleted", failed.reason());
        assertTrue(failed.message().contains("deleted"), failed.message());
        assertEquals(List.of("pg-backup-0:STARTED", "pg-backup-0:SUCCEEDED", "update-status-1:STARTED",
                "update-status-1:FAILED"), events.trace(plan.getPlanId()));
    }

    @Test
    void anEvictedPodEndsTheSessionWithEvicted() throws Exception {
        JobPlanned plan = twoSteps(session("evicted"), 0.1);
        kubelet.script(plan.getPod().getName(), PodScript.evictedWhileRunning("pg-backup-0"));
        runtime.launch(plan);
        RunEnded end = events.awaitEnd(plan.getPlanId(), WAIT);
        assertEquals("Evicted", end.reason());
        StepEvent failed = failure(plan);
        assertEquals("pg-backup-0", failed.step().containerName());
        assertEquals("Evicted", failed.reason());
        assertTrue(failed.message().contains("low on resource"), failed.message());
    }

    @Test
    void aPodStuckPullingItsImageEndsTheSessionAndIsDeleted() throws Exception {
        JobPlanned plan = twoSteps(session("pull"), 0.1);
        kubelet.script(plan.getPod().getName(), PodScript.imagePullBackOff("pg-backup-0"));
        runtime.launch(plan);
        RunEnded end = events.awaitEnd(plan.getPlanId(), WAIT);
        assertEquals("ImagePullBackOff", end.reason());
        StepEvent failed = failure(plan);
        assertEquals("pg-backup-0", failed.step().containerName());
        assertTrue(failed.message().contains("threshold"), failed.message());
        assertTrue(failed.message().contains("Back-off pulling image"), failed.message());
        assertEquals(List.of("pg-backup-0:FAILED"), events.trace(plan.getPlanId()), "the step never started");
        awaitTrue(() -> pod(plan) == null, "the stuck pod is deleted");
    }

    @Test
    void anInitContainerStuckOnItsImageAfterAnotherSucceeded() throws Exception {
        JobPlanned plan = plan(session("pull2"))
                .step(Step.ok("pre"))
                .step(Step.ok("pg-backup"))
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS))
                .build();
        kubelet.script(plan.getPod().getName(), PodScript.imagePullBackOff("pg-backup-1"));
        runtime.launch(plan);
        assertEquals("ImagePullBackOff", events.awaitEnd(plan.getPlanId(), WAIT).reason());
        assertEquals(List.of("pre-0:STARTED", "pre-0:SUCCEEDED", "pg-backup-1:FAILED"), events.trace(plan.getPlanId()));
    }

    @Test
    void anUnschedulablePodEndsTheSessionAndIsDeleted() throws Exception {
        JobPlanned plan = twoSteps(session("unsched"), 0.1);
        kubelet.script(plan.getPod().getName(), PodScript.unschedulable());
        runtime.launch(plan);
        RunEnded end = events.awaitEnd(plan.getPlanId(), WAIT);
        assertEquals("Unschedulable", end.reason());
        StepEvent failed = failure(plan);
        assertTrue(failed.message().contains("Insufficient memory"), failed.message());
        awaitTrue(() -> pod(plan) == null, "the unschedulable pod is deleted");
    }

    @Test
    void anOomKilledContainerIsReportedAsSuch() throws Exception {
        JobPlanned plan = twoSteps(session("oom"), 0.1);
        kubelet.script(plan.getPod().getName(), PodScript.oomKilled("pg-backup-0"));
        runtime.launch(plan);
        RunEnded end = events.awaitEnd(plan.getPlanId(), WAIT);
        assertEquals("OOMKilled", end.reason());
        StepEvent failed = failure(plan);
        assertEquals(137, failed.exitCode());
        assertEquals("OOMKilled", failed.reason());
    }

    @Test
    void thePodCarriesLabelsOwnerSecurityDefaultsAndDeadlineBackstop() throws Exception {
        String session = session("owned");
        GenericKubernetesResource backupSession = client.genericKubernetesResources(StashKinds.BACKUP_SESSION.context())
                .inNamespace(TestPlans.NAMESPACE)
                .resource(new GenericKubernetesResourceBuilder().withApiVersion("stash.appscode.com/v1beta1")
                        .withKind("BackupSession").withNewMetadata().withName(session).withNamespace(TestPlans.NAMESPACE)
                        .endMetadata().build())
                .create();
        JobPlanned plan = plan(session).ownedBySession()
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS).sleep(0.2))
                .deadline(Instant.now().plusSeconds(600))
                .build();
        runtime.launch(plan);
        Pod pod = pod(plan);

        Map<String, String> labels = pod.getMetadata().getLabels();
        assertEquals("stashflow-executor", labels.get(PodLabels.MANAGED_BY));
        assertEquals(cluster, labels.get(PodLabels.CLUSTER));
        assertEquals(session, labels.get(PodLabels.SESSION));
        assertEquals("backup", labels.get(PodLabels.SESSION_KIND));
        assertEquals("BackupConfiguration", labels.get(PodLabels.INVOKER_KIND));
        assertEquals("sample-backup", labels.get(PodLabels.INVOKER_NAME));
        assertEquals("0", labels.get(PodLabels.TARGET_INDEX));
        assertEquals("sample-backup", labels.get("stash.appscode.com/invoker-name"), "the plan's labels stay");
        assertNotNull(pod.getMetadata().getAnnotations().get(PodLabels.PLAN_ANNOTATION));

        assertEquals(1, pod.getMetadata().getOwnerReferences().size());
        assertEquals(backupSession.getMetadata().getUid(), pod.getMetadata().getOwnerReferences().get(0).getUid());
        assertTrue(pod.getMetadata().getOwnerReferences().get(0).getController());

        assertEquals("RuntimeDefault", pod.getSpec().getSecurityContext().getSeccompProfile().getType());
        assertEquals(65535L, pod.getSpec().getSecurityContext().getRunAsUser(), "the plan's user is kept");
        Container c = pod.getSpec().getContainers().get(0);
        assertEquals(Boolean.TRUE, c.getSecurityContext().getRunAsNonRoot());
        assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
        assertTrue(pod.getSpec().getActiveDeadlineSeconds() > 600, "backstop after the deadline");
        assertTrue(events.awaitEnd(plan.getPlanId(), WAIT).succeeded());
    }

    @Test
    void anOwnerThatDoesNotExistIsLeftOut() throws Exception {
        JobPlanned plan = plan(session("orphan")).ownedBySession()
                .step(Step.ok("update-status").role(StepRole.UPDATE_STATUS)).build();
        runtime.launch(plan);
        assertTrue(pod(plan).getMetadata().getOwnerReferences().isEmpty());
    }

    @Test
    void aForeignPodWithTheSameNameIsNotAdopted() {
        JobPlanned plan = twoSteps(session("foreign"), 0.1);
        client.pods().inNamespace(TestPlans.NAMESPACE).resource(new PodBuilder().withNewMetadata()
                .withName(plan.getPod().getName()).withNamespace(TestPlans.NAMESPACE).endMetadata()
                .withNewSpec().addNewContainer().withName("x").withImage("nginx").endContainer().endSpec().build()).create();
        LaunchException e = assertThrows(LaunchException.class, () -> runtime.launch(plan));
        assertFalse(e.retriable());
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }

    @Test
    void theInterimClaimIsCreatedBeforeThePod() throws Exception {
        JobPlanned plan = twoSteps(session("interim"), 0.1);
        plan.setInterimVolumeClaimJson("{\"apiVersion\":\"v1\",\"kind\":\"PersistentVolumeClaim\",\"metadata\":{\"name\":\""
                + plan.getSessionKey().getName() + "-interim\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
                + "\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}");
        runtime.launch(plan);
        PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(TestPlans.NAMESPACE)
                .withName(plan.getSessionKey().getName() + "-interim").get();
        assertNotNull(claim);
        runtime.launch(plan); // adopting again does not trip over the existing claim
    }

    @Test
    void oneInformerObservesEveryPod() throws Exception {
        List<JobPlanned> plans = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            JobPlanned plan = plan(session("many")).step(Step.ok("update-status").role(StepRole.UPDATE_STATUS))
                    .build();
            plans.add(plan);
            runtime.launch(plan);
        }
        for (JobPlanned plan : plans) {
            assertTrue(events.awaitEnd(plan.getPlanId(), WAIT).succeeded());
        }
        assertEquals(1, runtime.informerCount());
    }

    @Test
    void aPodWithoutThePlanAnnotationIsIgnored() throws Exception {
        Pod stray = new PodBuilder().withNewMetadata().withName("stray").withNamespace(TestPlans.NAMESPACE)
                .withLabels(PodFactory.selector(cluster)).endMetadata()
                .withNewSpec().addNewContainer().withName("x").withImage("nginx").endContainer().endSpec().build();
        client.pods().inNamespace(TestPlans.NAMESPACE).resource(stray).create();
        JobPlanned plan = twoSteps(session("beside"), 0.05);
        runtime.launch(plan);
        assertTrue(events.awaitEnd(plan.getPlanId(), WAIT).succeeded());
        assertEquals(1, runtime.inFlight().size());
        assertNull(events.steps("stray").stream().findFirst().orElse(null));
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }
}
