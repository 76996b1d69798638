package io.stashflow.reporter.metrics;

import io.stashflow.service.metrics.PrometheusTextFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Pushes to a Prometheus Pushgateway the way Stash's client does ({@code push.New(url, job).Add()}): an HTTP
 * <em>POST</em> of the text format to {@code /metrics/job/<job>}, which replaces only the families of the same name in
 * that group and keeps every other family (so the last success time survives a failure). In fleet mode the grouping key
 * also carries the cluster: {@code /metrics/job/<job>/cluster/<cluster>}.
 */
public final class PushgatewayClient {

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    public PushgatewayClient(URI base, Duration timeout) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The group URL for a job and optional cluster. */
    public URI groupUri(String job, Optional<String> cluster) {
        StringBuilder path = new StringBuilder(base.toString()).append("/metrics").append(segment("job", job));
        cluster.ifPresent(c -> path.append(segment("cluster", c)));
        return URI.create(path.toString());
    }

    /** A grouping-key segment; values with a slash (or empty) use the Pushgateway's base64 form. */
    static String segment(String label, String value) {
        boolean plain = !value.isEmpty() && value.chars().allMatch(c ->
                Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.');
        if (plain) {
            return "/" + label + "/" + value;
        }
        return "/" + label + "@base64/" + (value.isEmpty() ? "="
                : Base64.getUrlEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * POSTs {@code body}; returns normally only on a 2xx answer.
     *
     * @throws PushFailedException naming the group and what the Pushgateway said
     */
    public void post(String job, Optional<String> cluster, String body) {
        URI uri = groupUri(job, cluster);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", PrometheusTextFormat.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new PushFailedException("Pushgateway answered " + response.statusCode() + " to POST " + uri + ": "
                        + response.body().strip());
            }
        } catch (IOException e) {
            throw new PushFailedException("cannot reach the Pushgateway at " + uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PushFailedException("interrupted while pushing to " + uri, e);
        }
    }

    /** A push that did not succeed; the message is fit for a condition's reason text. */
    public static final class PushFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public PushFailedException(String message) {
            super(message);
        }

        public PushFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
