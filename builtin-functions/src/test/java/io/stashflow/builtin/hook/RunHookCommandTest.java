package io.stashflow.builtin.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stashflow.builtin.LogCapture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** run-hook with local exec, a JDK HttpServer and a ServerSocket on 127.0.0.1, and every execution policy. */
class RunHookCommandTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private HttpServer http;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startHttpServer() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + exchange.getRequestHeaders().getFirst("X-Team") + " " + body);
            int status = exchange.getRequestURI().getPath().startsWith("/fail") ? 503 : 200;
            byte[] answer = (status == 200 ? "ok" : "backend unavailable").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        http.start();
    }

    @AfterEach
    void stopHttpServer() {
        http.stop(0);
    }

    private int port() {
        return http.getAddress().getPort();
    }

    private static KubernetesClient noKubernetes() {
        return fail("a hook for a non-AppBinding target must not use the Kubernetes API");
    }

    private int runHook(String hookType, String hookJson, String... extra) {
        RunHookCommand command = new RunHookCommand(Map.of(), RunHookCommandTest::noKubernetes, false, new LocalExec(),
                client -> fail("no pod exec expected"));
        List<String> args = new ArrayList<>(List.of("--backupsession=nightly-1", "--namespace=demo",
                "--invoker-kind=BackupConfiguration", "--invoker-name=nightly", "--target-kind=PersistentVolumeClaim",
                "--target-name=data", "--target-namespace=demo", "--hook-type=" + hookType, "--hostname=host-0",
                "--output-dir=" + dir, "--metrics-enabled=true", "--metrics-pushgateway-url=http://127.0.0.1:1",
                "--termination-message-path=" + dir.resolve("termination-log"), "--hook-json=" + hookJson));
        args.addAll(List.of(extra));
        return new CommandLine(command).execute(args.toArray(String[]::new));
    }

    private JsonNode result() throws IOException {
        return MAPPER.readTree(Files.readString(dir.resolve("termination-log")));
    }

    private void outputJson(String... phases) throws IOException {
        StringBuilder stats = new StringBuilder();
        for (int i = 0; i < phases.length; i++) {
            stats.append(i == 0 ? "" : ",").append("{\"hostname\":\"host-").append(i).append("\",\"phase\":\"")
                    .append(phases[i]).append("\",\"duration\":\"3.5s\"")
                    .append(phases[i].equals("Failed") ? ",\"error\":\"disk full\"" : "").append('}');
        }
        Files.writeString(dir.resolve("output.json"), "{\"targetStatus\":{\"stats\":[" + stats + "]}}");
    }

    @Test
    void aLocalExecHookRunsTheArrayAsGivenWithRenderedTemplates() throws Exception {
        Path marker = dir.resolve("marker");
        String hook = MAPPER.writeValueAsString(Map.of("exec", Map.of("command", List.of("/bin/sh", "-c",
                "printf '%s' \"$1\" > \"$2\"", "sh", "{{ .Name }} {{ .Invoker.Kind }}/{{ .Target.Name }} {{ .Status.Phase }}",
                marker.toString()))));
        assertEquals(0, runHook("preBackup", hook));
        assertEquals("nightly-1 BackupConfiguration/data Running", Files.readString(marker));
        JsonNode result = result();
        assertEquals("preBackup", result.get("hookType").asText());
        assertEquals("exec", result.get("handler").asText());
        assertTrue(result.get("succeeded").asBoolean());
        assertFalse(result.get("skippedByPolicy").asBoolean());
        assertEquals("local", result.get("executedIn").asText());
        assertEquals(result, MAPPER.readTree(Files.readString(dir.resolve("hook-preBackup.json"))));
    }

    @Test
    void aFailingPreHookExitsNonZeroWithTheExitCodeAndOutputInTheResult() throws Exception {
        String hook = "{\"exec\":{\"command\":[\"/bin/sh\",\"-c\",\"echo cannot freeze the database >&2; exit 3\"]}}";
        assertEquals(1, runHook("preBackup", hook));
        JsonNode result = result();
        assertFalse(result.get("succeeded").asBoolean());
        assertTrue(result.get("message").asText().contains("exited with code 3"), result.get("message").asText());
        assertTrue(result.get("message").asText().contains("cannot freeze the database"));
    }

    @Test
    void aMissingExecutableFailsTheHook() throws Exception {
        assertEquals(1, runHook("preRestore", "{\"exec\":{\"command\":[\"/nonexistent/tool\"]}}"));
        assertTrue(result().get("message").asText().contains("cannot start /nonexistent/tool"));
    }

    @Test
    void httpGetSucceedsOn2xxWithHeaders() throws Exception {
        String hook = "{\"httpGet\":{\"port\":" + port() + ",\"path\":\"/ready?x=1\",\"httpHeaders\":[{\"name\":\"X-Team\",\"value\":\"db\"}]}}";
        assertEquals(0, runHook("preBackup", hook));
        assertEquals(List.of("GET /ready?x=1 null db "), requests);
        assertEquals("httpGet", result().get("handler").asText());
    }

    @Test
    void httpGetFailsOn5xxAndReportsStatusAndBody() throws Exception {
        assertEquals(1, runHook("preBackup", "{\"httpGet\":{\"port\":" + port() + ",\"path\":\"/fail\"}}"));
        String message = result().get("message").asText();
        assertTrue(message.contains("answered 503: backend unavailable"), message);
    }

    @Test
    void httpPostSendsTheRenderedBodyAsJson() throws Exception {
        outputJson("Failed");
        String hook = MAPPER.writeValueAsString(Map.of("httpPost", Map.of("port", port(), "path", "/notify",
                "body", "{\"session\":\"{{ .Name }}\",\"phase\":\"{{ .Status.Phase }}\",\"error\":\"{{ .Status.Error }}\",\"retry\":{{ .RetryLeft }}}"),
                "executionPolicy", "OnFailure"));
        assertEquals(0, runHook("postBackup", hook, "--retry-left=2"));
        assertEquals(List.of("POST /notify application/json null "
                + "{\"session\":\"nightly-1\",\"phase\":\"Failed\",\"error\":\"host-0: disk full\",\"retry\":2}"), requests);
        assertEquals("OnFailure", result().get("executionPolicy").asText());
    }

    @Test
    void httpPostSendsAFormUrlEncoded() throws Exception {
        outputJson("Succeeded");
        String hook = "{\"httpPost\":{\"port\":\"" + port() + "\",\"form\":[{\"key\":\"state\",\"values\":[\"done & dusted\",\"2\"]}]}}";
        assertEquals(0, runHook("postBackup", hook));
        assertEquals(List.of("POST / application/x-www-form-urlencoded null state=done+%26+dusted&state=2"), requests);
    }

    @Test
    void tcpSocketSucceedsWhenTheConnectionOpensAndFailsWhenRefused() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    // accepting is all the hook needs
                    server.accept().close();
                } catch (IOException e) {
                    // the test closes the server
                }
            });
            acceptor.start();
            assertEquals(0, runHook("preBackup", "{\"tcpSocket\":{\"port\":" + server.getLocalPort() + "}}"));
            assertEquals("tcpSocket", result().get("handler").asText());
            acceptor.join(5000);
        }
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        assertEquals(1, runHook("preBackup", "{\"tcpSocket\":{\"host\":\"127.0.0.1\",\"port\":" + closedPort + "}}"));
        assertTrue(result().get("message").asText().contains("cannot connect to 127.0.0.1:" + closedPort));
    }

    @Test
    void postHookPoliciesDecideFromOutputJsonAndRetryLeft() throws Exception {
        String onSuccess = "{\"httpGet\":{\"port\":" + port() + ",\"path\":\"/s\"},\"executionPolicy\":\"OnSuccess\"}";
        String onFailure = "{\"httpGet\":{\"port\":" + port() + ",\"path\":\"/f\"},\"executionPolicy\":\"OnFailure\"}";
        String finalRetry = "{\"httpGet\":{\"port\":" + port() + ",\"path\":\"/r\"},\"executionPolicy\":\"OnFinalRetryFailure\"}";
        String always = "{\"httpGet\":{\"port\":" + port() + ",\"path\":\"/a\"}}";

        outputJson("Succeeded", "Succeeded");
        assertEquals(0, runHook("postBackup", onSuccess));
        assertEquals(0, runHook("postBackup", onFailure));
        JsonNode skipped = result();
        assertTrue(skipped.get("skippedByPolicy").asBoolean());
        assertTrue(skipped.get("succeeded").asBoolean());
        assertEquals("Skipping executing postBackup hook: executionPolicy OnFailure but the target Succeeded",
                skipped.get("message").asText());
        assertEquals(0, runHook("postBackup", always));
        assertEquals(List.of("/s", "/a"), paths());

        requests.clear();
        outputJson("Succeeded", "Failed");
        assertEquals(0, runHook("postBackup", onSuccess));
        assertEquals(0, runHook("postBackup", onFailure));
        assertEquals(0, runHook("postBackup", finalRetry, "--retry-left=1"));
        assertTrue(result().get("message").asText().contains("1 retries are left"));
        assertEquals(0, runHook("postBackup", finalRetry, "--retry-left=0"));
        assertEquals(List.of("/f", "/r"), paths());

        requests.clear();
        Files.delete(dir.resolve("output.json"));
        assertEquals(0, runHook("postBackup", onFailure), "a missing output.json counts as a failed target");
        assertEquals(List.of("/f"), paths());
    }

    @Test
    void aFailingPostHookExitsNonZeroAfterWritingItsResult() throws Exception {
        outputJson("Succeeded");
        assertEquals(1, runHook("postBackup", "{\"httpGet\":{\"port\":" + port() + ",\"path\":\"/fail\"}}"));
        JsonNode result = result();
        assertEquals("postBackup", result.get("hookType").asText());
        assertEquals("Always", result.get("executionPolicy").asText());
        assertFalse(result.get("succeeded").asBoolean());
    }

    @Test
    void unreadableOrUnrenderableHooksAndBadHookTypesExitWithTheUsageCode() throws Exception {
        assertEquals(2, runHook("preBackup", "not json"));
        assertTrue(result().get("message").asText().contains("is not a Stash hook handler"));
        assertEquals(2, runHook("preBackup", "{\"containerName\":\"db\"}"));
        assertTrue(result().get("message").asText().contains("sets no handler"));
        assertEquals(2, runHook("preBackup", "{\"exec\":{\"command\":[\"echo\",\"{{ .Status.Phase | lower }}\"]}}"));
        assertTrue(result().get("message").asText().contains("exec.command[1]"));
        assertEquals(2, runHook("midBackup", "{\"exec\":{\"command\":[\"true\"]}}"));
        assertEquals(2, runHook("postBackup", "{\"exec\":{\"command\":[\"true\"]},\"executionPolicy\":\"Sometimes\"}"));
        assertEquals(2, runHook("postRestore", "{\"exec\":{\"command\":[\"true\"]},\"executionPolicy\":\"OnFinalRetryFailure\"}"));
    }

    @Test
    void theHookCanComeFromAFileAndSecretValuesInTheEnvironmentAreRedacted() throws Exception {
        String secret = "rest-pass-" + System.nanoTime();
        Path hookFile = dir.resolve("hook.json");
        Files.writeString(hookFile, "{\"exec\":{\"command\":[\"/bin/sh\",\"-c\",\"echo leaked " + secret + "; exit 1\"]}}");
        RunHookCommand command = new RunHookCommand(Map.of("REST_SERVER_PASSWORD", secret),
                RunHookCommandTest::noKubernetes, false, new LocalExec(), client -> fail("no pod exec expected"));
        try (LogCapture logs = LogCapture.attach()) {
            assertEquals(1, new CommandLine(command).execute("--hook-type=preBackup", "--hook-file=" + hookFile,
                    "--output-dir=" + dir, "--termination-message-path=" + dir.resolve("termination-log")));
            String message = result().get("message").asText();
            assertTrue(message.contains("leaked <redacted>"), message);
            assertFalse(Files.readString(dir.resolve("hook-preBackup.json")).contains(secret));
            logs.lines().forEach(line -> assertFalse(line.contains(secret), line));
        }
    }

    private List<String> paths() {
        return requests.stream().map(r -> r.split(" ")[1]).toList();
    }
}
