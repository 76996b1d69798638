package io.stashflow.builtin.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.ErrorStreamMessage;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pods/exec adapter against the fabric8 mock server's websocket expectations (expectation mode, not CRUD). */
@EnableKubernetesMockClient
class Fabric8PodExecTest {

    KubernetesMockServer server;
    KubernetesClient client;

    /** fabric8 looks the pod up before it execs (it waits for the container to run); answer with a running pod. */
    private void runningPod(String name) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace("db").endMetadata()
                .withNewSpec().addNewContainer().withName("postgres").endContainer().endSpec()
                .withNewStatus().withPhase("Running").addNewContainerStatus().withName("postgres").withReady(true)
                .withNewState().withNewRunning().endRunning().endState().endContainerStatus().endStatus().build();
        server.expect().get().withPath("/api/v1/namespaces/db/pods/" + name).andReturn(200, pod).always();
        server.expect().get().withPath("/api/v1/namespaces/db/pods?fieldSelector=metadata.name%3D" + name)
                .andReturn(200, new PodListBuilder().withNewMetadata().withResourceVersion("1").endMetadata()
                        .addToItems(pod).build()).always();
    }

    @Test
    void execCollectsStdoutStderrAndTheExitCodeInTheNamedContainer() throws Exception {
        runningPod("pg-1");
        server.expect()
                .withPath("/api/v1/namespaces/db/pods/pg-1/exec?command=psql&command=-c&command=CHECKPOINT"
                        + "&container=postgres&stdout=true&stderr=true")
                .andUpgradeToWebSocket()
                .open(new OutputStreamMessage("CHECKPOINT\n"), new ErrorStreamMessage("notice\n"), new StatusStreamMessage(0))
                .done().once();
        CommandResult result = new Fabric8PodExec(client).exec("db", "pg-1", "postgres", List.of("psql", "-c", "CHECKPOINT"));
        assertEquals(new CommandResult(0, "CHECKPOINT\n", "notice\n"), result);
    }

    /** Without a container name fabric8 picks the pod's only container. */
    @Test
    void aNonZeroExitCodeIsReturned() throws Exception {
        runningPod("pg-1");
        server.expect()
                .withPath("/api/v1/namespaces/db/pods/pg-1/exec?command=false&container=postgres&stdout=true&stderr=true")
                .andUpgradeToWebSocket()
                .open(new ErrorStreamMessage("failed\n"), new StatusStreamMessage(3))
                .done().once();
        CommandResult result = new Fabric8PodExec(client).exec("db", "pg-1", null, List.of("false"));
        assertEquals(3, result.exitCode());
        assertEquals("failed\n", result.stderr());
    }

    @Test
    void anExecTheServerRefusesIsAHookFailureNamingThePod() {
        HookFailure failure = assertThrows(HookFailure.class,
                () -> new Fabric8PodExec(client).exec("db", "absent", "c", List.of("true")));
        assertTrue(failure.getMessage().contains("pod db/absent container c"), failure.getMessage());
    }
}
