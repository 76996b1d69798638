package io.stashflow.service.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.service.metrics.ServiceMetrics;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ServiceHttpServerTest {

    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> call(int port, String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthReadinessMetricsAndRoutes() throws Exception {
        ServiceMetrics metrics = new ServiceMetrics("t_");
        metrics.counter("requests_total", "Requests").inc();
        AtomicBoolean ready = new AtomicBoolean();
        try (ServiceHttpServer server = new ServiceHttpServer(new InetSocketAddress("127.0.0.1", 0), metrics)) {
            server.liveness("always", Optional::empty);
            server.readiness("streams", () -> ready.get() ? Optional.empty() : Optional.of("Kafka Streams is REBALANCING"));
            server.route("/hello", exchange -> ServiceHttpServer.respond(exchange, 200, "text/plain", "hi"));
            server.route("/boom", exchange -> {
                throw new IllegalStateException("kaput");
            });
            server.start();
            int port = server.port();
            assertEquals(200, call(port, "GET", "/healthz").statusCode());
            HttpResponse<String> notReady = call(port, "GET", "/readyz");
            assertEquals(503, notReady.statusCode());
            assertEquals("streams: Kafka Streams is REBALANCING\n", notReady.body());
            ready.set(true);
            assertEquals(200, call(port, "GET", "/readyz").statusCode());
            HttpResponse<String> scraped = call(port, "GET", "/metrics");
            assertTrue(scraped.body().contains("t_requests_total 1"), scraped.body());
            assertTrue(scraped.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            assertEquals(405, call(port, "POST", "/metrics").statusCode());
            assertEquals("hi", call(port, "GET", "/hello").body());
            HttpResponse<String> boom = call(port, "GET", "/boom");
            assertEquals(500, boom.statusCode());
            assertTrue(boom.body().contains("kaput"));
        }
    }
}
