package io.stashflow.service.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.stashflow.service.metrics.PrometheusTextFormat;
import io.stashflow.service.metrics.ServiceMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint every service exposes, on the JDK's built-in server:
 *
 * <ul>
 *   <li>{@code GET /healthz} — liveness: 200 {@code ok} while every liveness check passes, else 503 with the reasons.
 *       A failing liveness check means "restart me" (for example the Streams client died for good).</li>
 *   <li>{@code GET /readyz} — readiness: 200 once every readiness check passes (for example Streams is RUNNING and
 *       its stores are restored), else 503 with the reasons.</li>
 *   <li>{@code GET /metrics} — the service's {@link ServiceMetrics} in Prometheus text format.</li>
 * </ul>
 *
 * Services add their own routes with {@link #route}. Handlers run on a small fixed pool so that a slow client cannot
 * stall the health endpoints.
 */
public final class ServiceHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceHttpServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, HealthCheck> liveness = new LinkedHashMap<>();
    private final Map<String, HealthCheck> readiness = new LinkedHashMap<>();

    /**
     * Binds (but does not start) the server.
     *
     * @param address where to listen; port 0 picks a free port (see {@link #port()})
     */
    public ServiceHttpServer(InetSocketAddress address, ServiceMetrics metrics) {
        try {
            this.server = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address.getHostString() + ":" + address.getPort()
                    + " (" + e.getMessage() + "): choose another --http-port or free the port", e);
        }
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "http-" + address.getPort());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/healthz", exchange -> health(exchange, liveness));
        server.createContext("/readyz", exchange -> health(exchange, readiness));
        server.createContext("/metrics", exchange -> {
            if (!allowGet(exchange)) {
                return;
            }
            respond(exchange, 200, PrometheusTextFormat.CONTENT_TYPE, metrics.scrape());
        });
    }

    public ServiceHttpServer liveness(String name, HealthCheck check) {
        synchronized (liveness) {
            liveness.put(name, check);
        }
        return this;
    }

    public ServiceHttpServer readiness(String name, HealthCheck check) {
        synchronized (readiness) {
            readiness.put(name, check);
        }
        return this;
    }

    /** Adds a route; the handler sees every path under {@code prefix}. */
    public ServiceHttpServer route(String prefix, HttpHandler handler) {
        server.createContext(prefix, exchange -> {
            try {
                handler.handle(exchange);
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                respond(exchange, 500, "text/plain; charset=utf-8", "internal error: " + e.getMessage() + "\n");
            }
        });
        return this;
    }

    public void start() {
        server.start();
        LOG.info("HTTP endpoint listening on {}:{}", server.getAddress().getHostString(), port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void health(HttpExchange exchange, Map<String, HealthCheck> checks) throws IOException {
        if (!allowGet(exchange)) {
            return;
        }
        StringBuilder problems = new StringBuilder();
        Map<String, HealthCheck> snapshot;
        synchronized (checks) {
            snapshot = new LinkedHashMap<>(checks);
        }
        for (Map.Entry<String, HealthCheck> e : snapshot.entrySet()) {
            Optional<String> problem;
            try {
                problem = e.getValue().problem();
            } catch (RuntimeException ex) {
                problem = Optional.of("check failed: " + ex);
            }
            problem.ifPresent(p -> problems.append(e.getKey()).append(": ").append(p).append('\n'));
        }
        if (problems.isEmpty()) {
            respond(exchange, 200, "text/plain; charset=utf-8", "ok\n");
        } else {
            respond(exchange, 503, "text/plain; charset=utf-8", problems.toString());
        }
    }

    /** Answers 405 to anything but GET and HEAD; returns whether the request may proceed. */
    public static boolean allowGet(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, "text/plain; charset=utf-8", "method " + method + " not allowed; use GET\n");
        return false;
    }

    public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
