package io.stashflow.executor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.StepState;
import io.stashflow.executor.runtime.JobRuntime;
import io.stashflow.executor.runtime.JobRuntimeContract;
import io.stashflow.executor.testing.FakeKubelet;
import io.stashflow.executor.testing.MockApiServer;
import io.stashflow.executor.testing.PatientClient;
import io.stashflow.executor.testing.TestPlans.Step;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link JobRuntimeContract}, the contract every runtime meets, on {@link KubernetesJobRuntime} against the
 * fabric8 mock API server, with the fake kubelet playing the pods: the tests are inherited, this class supplies the
 * runtime and answers the suite's questions in Kubernetes terms (a run is a pod; a crashed agent leaves its pods
 * running, so the step carries on after recovery). Pod failures only a cluster has (eviction, image pulls,
 * scheduling, OOM) and what the agent puts on its pods are in {@link KubernetesJobRuntimeTest}.
 */
class KubernetesJobRuntimeContractTest extends JobRuntimeContract {

    // one mock API server and one kubelet for the class; each test has its own cluster id
    static MockApiServer api;
    static KubernetesClient client;
    static FakeKubelet kubelet;

    static KubernetesRuntimeSettings settings(String cluster) {
        return KubernetesRuntimeSettings.defaults(cluster).withCheckInterval(Duration.ofMillis(100));
    }

    @BeforeAll
    static void startKubelet() {
        api = MockApiServer.start(new PatientClient());
        client = api.client();
        kubelet = new FakeKubelet(client).start();
    }

    @AfterAll
    static void stopKubelet() {
        try {
            kubelet.close();
        } finally {
            api.close();
        }
    }

    @Override
    protected JobRuntime newRuntime() {
        return new KubernetesJobRuntime(client, settings(cluster), Clock.systemUTC());
    }

    @Override
    protected void crash(JobRuntime r) {
        // a killed agent leaves its pods; closing the informer is all that stops
        r.close();
    }

    @Override
    protected int runsExisting(JobPlanned plan) {
        return client.pods().inNamespace(plan.getPod().getNamespace()).withName(plan.getPod().getName()).get() == null
                ? 0 : 1;
    }

    @Override
    protected boolean stillExecuting(JobPlanned plan) {
        Pod pod = client.pods().inNamespace(plan.getPod().getNamespace()).withName(plan.getPod().getName()).get();
        return pod != null && pod.getMetadata().getDeletionTimestamp() == null;
    }

    @Override
    protected StepState stateAfterRecovery() {
        return StepState.SUCCEEDED;
    }

    /** The answer {@link #runsExisting} gives is a pod: named after the plan, labelled with this agent's cluster. */
    @Test
    void aRunIsAPodOfThisCluster() throws Exception {
        JobPlanned plan = plan(session("pod")).step(Step.ok("pg-backup")).build();
        runtime.launch(plan);
        events.awaitEnd(plan.getPlanId(), WAIT);
        assertEquals(1, runsExisting(plan));
        Pod pod = client.pods().inNamespace(plan.getPod().getNamespace()).withName(plan.getPod().getName()).get();
        assertEquals(cluster, pod.getMetadata().getLabels().get(PodLabels.CLUSTER));
        assertTrue(pod.getMetadata().getLabels().containsKey(PodLabels.MANAGED_BY));
        assertEquals("Never", pod.getSpec().getRestartPolicy());
    }
}
