package io.stashflow.reporter;

import io.stashflow.service.metrics.MetricFamily;
import io.stashflow.service.metrics.PrometheusTextFormat;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A real Prometheus Pushgateway (Debian package {@code prometheus-pushgateway}) started by a test on a free loopback
 * port, without persistence (explicitly: the Debian build persists to {@code /var/lib/prometheus} by default). Tests fail, never skip, when the binary is missing: the CI installs it.
 */
public final class PushgatewayProcess implements AutoCloseable {

    public static final Path BINARY = Path.of(System.getProperty("pushgateway.binary", "/usr/bin/prometheus-pushgateway"));

    private final Process process;
    private final int port;
    private final Path log;

    private PushgatewayProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static PushgatewayProcess start() throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install the Debian package prometheus-pushgateway"
                    + " (apt-get install -y prometheus-pushgateway); these tests need a real Pushgateway");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("pushgateway", ".log");
        // Debian's build defaults --persistence.file to /var/lib/prometheus/pushgateway.data, which would carry one
        // test's metrics into the next: an empty value keeps them in memory only
        Process process = new ProcessBuilder(BINARY.toString(), "--web.listen-address=127.0.0.1:" + port,
                "--persistence.file=")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PushgatewayProcess gateway = new PushgatewayProcess(process, port, log);
        Instant until = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(until)) {
            try {
                gateway.get("/-/ready");
                if (!process.isAlive()) {
                    // another process answered on the port this one could not bind
                    throw new IllegalStateException("prometheus-pushgateway exited: " + Files.readString(log));
                }
                return gateway;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("prometheus-pushgateway exited: " + Files.readString(log));
                }
                Thread.sleep(100);
            }
        }
        gateway.close();
        throw new IllegalStateException("prometheus-pushgateway did not become ready: " + Files.readString(log));
    }

    public int port() {
        return port;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url().resolve(path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode());
        }
        return response.body();
    }

    /** What the Pushgateway holds now ({@code GET /metrics}). */
    public List<MetricFamily> metrics() throws IOException, InterruptedException {
        return PrometheusTextFormat.parse(get("/metrics"));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
