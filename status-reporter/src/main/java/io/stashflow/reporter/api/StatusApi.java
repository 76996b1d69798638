package io.stashflow.reporter.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.stashflow.events.RepositoryStatus;
import io.stashflow.reporter.core.SessionFacts;
import io.stashflow.service.http.ServiceHttpServer;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reporter's read-only HTTP status API, answering with Stash-shaped objects ({@link StashJson}):
 *
 * <ul>
 *   <li>{@code GET /sessions[?namespace=NS][&phase=PHASE][&cluster=C]} — a {@code List} of BackupSessions and
 *       RestoreSessions, newest first;</li>
 *   <li>{@code GET /sessions/NS/NAME[?cluster=C]} — one session with {@code steps}, every container outcome;</li>
 *   <li>{@code GET /repositories[?namespace=NS][&cluster=C]} — a {@code List} of Repositories.</li>
 * </ul>
 *
 * Reads come from a {@link StatusSource} (the Streams state stores through interactive queries); 503 while they are
 * not queryable yet (rebalancing, restoring).
 */
public final class StatusApi {

    /** Where the API reads from. */
    public interface StatusSource {
        /** Every session this instance knows, or empty while the stores are not queryable. */
        Optional<List<SessionFacts>> sessions();

        Optional<List<RepositoryStatus>> repositories();
    }

    private final StatusSource source;

    public StatusApi(StatusSource source) {
        this.source = source;
    }

    public void register(ServiceHttpServer server) {
        server.route("/sessions", this::sessions);
        server.route("/repositories", this::repositories);
    }

    static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> params = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private void sessions(HttpExchange exchange) throws IOException {
        if (!ServiceHttpServer.allowGet(exchange)) {
            return;
        }
        Optional<List<SessionFacts>> all = source.sessions();
        if (all.isEmpty()) {
            unavailable(exchange);
            return;
        }
        Map<String, String> q = query(exchange);
        String path = exchange.getRequestURI().getPath();
        String rest = path.length() > "/sessions".length() ? path.substring("/sessions".length() + 1) : "";
        List<SessionFacts> visible = all.get().stream()
                .filter(f -> f.lastStatus() != null && !f.deleted())
                .filter(f -> !q.containsKey("cluster") || f.key().getCluster().equals(q.get("cluster")))
                .toList();
        if (!rest.isEmpty()) {
            String[] parts = rest.split("/");
            if (parts.length != 2) {
                json(exchange, 404, error("NotFound", "use /sessions/NAMESPACE/NAME"));
                return;
            }
            Optional<SessionFacts> one = visible.stream()
                    .filter(f -> f.key().getNamespace().equals(parts[0]) && f.key().getName().equals(parts[1]))
                    .findFirst();
            if (one.isEmpty()) {
                json(exchange, 404, error("NotFound", "session " + parts[0] + "/" + parts[1] + " is not known to this"
                        + " reporter (never requested, or removed by backupHistoryLimit)"));
                return;
            }
            SessionFacts f = one.get();
            json(exchange, 200, StashJson.session(f.lastStatus(), f.request(), f.outcomes()));
            return;
        }
        ObjectNode list = StashJson.MAPPER.createObjectNode();
        list.put("apiVersion", "v1");
        list.put("kind", "List");
        ArrayNode items = list.putArray("items");
        visible.stream()
                .filter(f -> !q.containsKey("namespace") || f.key().getNamespace().equals(q.get("namespace")))
                .filter(f -> !q.containsKey("phase") || f.lastStatus().getPhase().equalsIgnoreCase(q.get("phase")))
                .sorted(Comparator.comparing((SessionFacts f) -> f.lastStatus().getCreatedAt(),
                        Comparator.nullsLast(Comparator.reverseOrder())).thenComparing(f -> f.key().getName()))
                .forEach(f -> items.add(StashJson.session(f.lastStatus(), f.request(), null)));
        json(exchange, 200, list);
    }

    private void repositories(HttpExchange exchange) throws IOException {
        if (!ServiceHttpServer.allowGet(exchange)) {
            return;
        }
        Optional<List<RepositoryStatus>> all = source.repositories();
        if (all.isEmpty()) {
            unavailable(exchange);
            return;
        }
        Map<String, String> q = query(exchange);
        ObjectNode list = StashJson.MAPPER.createObjectNode();
        list.put("apiVersion", "v1");
        list.put("kind", "List");
        ArrayNode items = list.putArray("items");
        all.get().stream()
                .filter(r -> !q.containsKey("namespace") || r.getNamespace().equals(q.get("namespace")))
                .filter(r -> !q.containsKey("cluster") || r.getCluster().equals(q.get("cluster")))
                .sorted(Comparator.comparing(RepositoryStatus::getNamespace).thenComparing(RepositoryStatus::getName))
                .forEach(r -> items.add(StashJson.repository(r)));
        json(exchange, 200, list);
    }

    private static void unavailable(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Retry-After", "2");
        json(exchange, 503, error("ServiceUnavailable", "the reporter's state stores are not queryable yet (starting or"
                + " rebalancing); retry shortly"));
    }

    private static ObjectNode error(String reason, String message) {
        ObjectNode status = StashJson.MAPPER.createObjectNode();
        status.put("apiVersion", "v1");
        status.put("kind", "Status");
        status.put("status", "Failure");
        status.put("reason", reason);
        status.put("message", message);
        return status;
    }

    private static void json(HttpExchange exchange, int code, ObjectNode body) throws IOException {
        String text;
        try {
            text = StashJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n";
        } catch (JsonProcessingException e) {
            throw new IOException(e);
        }
        ServiceHttpServer.respond(exchange, code, "application/json", text);
    }
}
