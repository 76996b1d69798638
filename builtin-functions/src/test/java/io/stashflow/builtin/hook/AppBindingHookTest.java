package io.stashflow.builtin.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Hooks of AppBinding targets: the pod is found on the fabric8 mock API server (CRUD mode); the exec itself goes
 * through a fake of the {@link PodExec} port, because the mock server has no exec (websocket) support in CRUD mode.
 */
@EnableKubernetesMockClient(crud = true)
class AppBindingHookTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    KubernetesClient client;

    @TempDir
    Path dir;

    /** Records exec calls and answers with a scripted exit code. */
    private static final class FakePodExec implements PodExec {
        final List<String> calls = new ArrayList<>();
        int exitCode;

        @Override
        public CommandResult exec(String namespace, String pod, String container, List<String> command) {
            calls.add(namespace + "/" + pod + "/" + container + " " + command);
            return new CommandResult(exitCode, "", exitCode == 0 ? "" : "FATAL: database is shutting down");
        }
    }

    private final FakePodExec podExec = new FakePodExec();

    @BeforeEach
    void cluster() {
        pod("pg-0", "10.0.0.10");
        pod("pg-1", "127.0.0.1");
        client.endpoints().inNamespace("db").resource(new EndpointsBuilder().withNewMetadata().withName("pg")
                .withNamespace("db").endMetadata()
                .addToSubsets(new EndpointSubsetBuilder()
                        .addToNotReadyAddresses(new EndpointAddressBuilder().withIp("10.0.0.10")
                                .withNewTargetRef().withKind("Pod").withName("pg-0").withNamespace("db").endTargetRef().build())
                        .build())
                .addToSubsets(new EndpointSubsetBuilder()
                        .addToAddresses(new EndpointAddressBuilder().withIp("127.0.0.1")
                                .withNewTargetRef().withKind("Pod").withName("pg-1").withNamespace("db").endTargetRef().build())
                        .build())
                .build()).create();
        appBinding("pg", "pg");
    }

    private void pod(String name, String ip) {
        client.pods().inNamespace("db").resource(new PodBuilder().withNewMetadata().withName(name).withNamespace("db")
                .endMetadata().withNewSpec().addNewContainer().withName("postgres").withImage("postgres:16")
                .endContainer().endSpec()
                .withNewStatus().withPodIP(ip).endStatus().build()).create();
    }

    private void appBinding(String name, String service) {
        GenericKubernetesResource appBinding = new GenericKubernetesResourceBuilder()
                .withApiVersion("appcatalog.appscode.com/v1alpha1").withKind("AppBinding")
                .withNewMetadata().withName(name).withNamespace("db").endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("clientConfig", Map.of("service",
                        Map.of("name", service, "port", 5432, "scheme", "postgresql")))))
                .build();
        client.genericKubernetesResources(AppBindingPods.APP_BINDING).inNamespace("db").resource(appBinding).create();
    }

    private int runHook(String target, String hookJson) {
        RunHookCommand command = new RunHookCommand(Map.of(), () -> client, false, new LocalExec(), c -> podExec);
        return new CommandLine(command).execute("--backupsession=nightly-1", "--namespace=db",
                "--invoker-kind=BackupConfiguration", "--invoker-name=nightly", "--target-kind=AppBinding",
                "--target-name=" + target, "--target-namespace=db", "--hook-type=preBackup", "--output-dir=" + dir,
                "--termination-message-path=" + dir.resolve("termination-log"), "--hook-json=" + hookJson);
    }

    private JsonNode result() throws IOException {
        return MAPPER.readTree(Files.readString(dir.resolve("termination-log")));
    }

    @Test
    void execRunsInTheFirstReadyPodBehindTheAppBindingsServiceWithTheContainerName() throws Exception {
        assertEquals(0, runHook("pg", "{\"exec\":{\"command\":[\"psql\",\"-c\",\"CHECKPOINT; -- {{ .Target.Name }}\"]},"
                + "\"containerName\":\"postgres\"}"));
        assertEquals(List.of("db/pg-1/postgres [psql, -c, CHECKPOINT; -- pg]"), podExec.calls);
        assertEquals("pod db/pg-1/postgres", result().get("executedIn").asText());
    }

    @Test
    void withoutAReadyAddressTheFirstNotReadyPodIsUsed() throws Exception {
        client.endpoints().inNamespace("db").resource(new EndpointsBuilder().withNewMetadata().withName("pg-standby")
                .withNamespace("db").endMetadata()
                .addToSubsets(new EndpointSubsetBuilder()
                        .addToNotReadyAddresses(new EndpointAddressBuilder().withIp("10.0.0.10")
                                .withNewTargetRef().withKind("Pod").withName("pg-0").endTargetRef().build())
                        .build()).build()).create();
        appBinding("pg-standby", "pg-standby");
        assertEquals(0, runHook("pg-standby", "{\"exec\":{\"command\":[\"true\"]}}"));
        assertEquals(List.of("db/pg-0/null [true]"), podExec.calls);
    }

    @Test
    void aFailedExecInThePodFailsTheHookWithItsOutput() throws Exception {
        podExec.exitCode = 2;
        assertEquals(1, runHook("pg", "{\"exec\":{\"command\":[\"pg_ctl\",\"status\"]}}"));
        String message = result().get("message").asText();
        assertTrue(message.contains("exited with code 2") && message.contains("database is shutting down"), message);
    }

    @Test
    void httpWithoutHostGoesToThePodIpAndANamedPortIsTheContainersPort() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> paths = new ArrayList<>();
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            // a pod whose named port "admin" is the test server's port and whose IP is the loopback address
            client.pods().inNamespace("db").resource(new PodBuilder().withNewMetadata().withName("web-0")
                    .withNamespace("db").endMetadata().withNewSpec().addNewContainer().withName("web").withImage("web")
                    .addNewPort().withName("admin").withContainerPort(server.getAddress().getPort()).endPort()
                    .endContainer().endSpec().withNewStatus().withPodIP("127.0.0.1").endStatus().build()).create();
            client.endpoints().inNamespace("db").resource(new EndpointsBuilder().withNewMetadata().withName("web")
                    .withNamespace("db").endMetadata().addToSubsets(new EndpointSubsetBuilder()
                            .addToAddresses(new EndpointAddressBuilder().withIp("127.0.0.1")
                                    .withNewTargetRef().withKind("Pod").withName("web-0").endTargetRef().build())
                            .build()).build()).create();
            appBinding("web", "web");
            assertEquals(0, runHook("web", "{\"httpGet\":{\"port\":\"admin\",\"path\":\"/freeze\"}}"));
            assertEquals(List.of("/freeze"), paths);
            assertTrue(podExec.calls.isEmpty());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aMissingAppBindingOrServiceReferenceIsAClearFailure() throws Exception {
        assertEquals(1, runHook("absent", "{\"exec\":{\"command\":[\"true\"]}}"));
        assertTrue(result().get("message").asText().contains("AppBinding db/absent not found"));
        client.genericKubernetesResources(AppBindingPods.APP_BINDING).inNamespace("db").resource(
                new GenericKubernetesResourceBuilder().withApiVersion("appcatalog.appscode.com/v1alpha1")
                        .withKind("AppBinding").withNewMetadata().withName("url-only").withNamespace("db").endMetadata()
                        .withAdditionalProperties(Map.of("spec", Map.of("clientConfig", Map.of("url", "postgres://x"))))
                        .build()).create();
        assertEquals(1, runHook("url-only", "{\"exec\":{\"command\":[\"true\"]}}"));
        assertTrue(result().get("message").asText().contains("has no spec.clientConfig.service.name"));
        assertFalse(result().get("succeeded").asBoolean());
        assertTrue(podExec.calls.isEmpty());
    }
}
