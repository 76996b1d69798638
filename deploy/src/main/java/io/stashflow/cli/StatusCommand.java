package io.stashflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stashflow status}: sessions, their steps and repositories, read from the reporter's HTTP status API and shown
 * like {@code kubectl get backupsession} / {@code kubectl get repository}, or as the Stash objects themselves with
 * {@code -o json}.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Show sessions (NAME INVOKER-TYPE INVOKER-NAME PHASE DURATION AGE), the steps of one session, or"
                    + " repositories (NAME INTEGRITY SIZE SNAPSHOT-COUNT LAST-SUCCESSFUL-BACKUP AGE), from the"
                    + " status-reporter's HTTP API.",
            "",
            "Exit status: 0 on success, 1 when the reporter cannot be reached or the session is unknown.",
        })
public final class StatusCommand implements Callable<Integer> {

    static final int FAILED = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Output formats. */
    enum Format { table, json }

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAMESPACE/SESSION",
            description = "One session, with its steps. Without it: every session.")
    String session;

    @Option(names = "--repositories", description = "Show repositories instead of sessions.")
    boolean repositories;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080",
            description = "The status-reporter's HTTP endpoint (default ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json (default ${DEFAULT-VALUE}).")
    Format output;

    @Option(names = {"-n", "--namespace"}, description = "Only sessions or repositories of this namespace.")
    String namespace;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public StatusCommand() {
        this(Clock.systemUTC());
    }

    StatusCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String path;
        if (repositories) {
            path = "/repositories" + (namespace == null ? "" : "?namespace=" + namespace);
        } else if (session != null) {
            String[] parts = session.split("/");
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                err.println("session '" + session + "' must be NAMESPACE/NAME, e.g. demo/pg-backup-1768010400");
                return CommandLine.ExitCode.USAGE;
            }
            path = "/sessions/" + parts[0] + "/" + parts[1];
        } else {
            path = "/sessions" + (namespace == null ? "" : "?namespace=" + namespace);
        }
        String base = url.toString().endsWith("/") ? url.toString().substring(0, url.toString().length() - 1) : url.toString();
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("cannot reach the status-reporter at " + base + " (" + e.getMessage() + "): start it"
                    + " (./stashflow reporter or ./stashflow standalone) or pass --url");
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FAILED;
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            err.println("the status-reporter at " + base + " answered " + response.statusCode() + " with something that"
                    + " is not JSON: " + abbreviate(response.body()));
            return FAILED;
        }
        if (response.statusCode() != 200) {
            err.println(body.path("message").asText("the status-reporter answered " + response.statusCode()));
            return FAILED;
        }
        if (output == Format.json) {
            out.println(body.toPrettyString());
            return 0;
        }
        if (repositories) {
            printRepositories(out, body.path("items"));
        } else if (session != null) {
            printSessions(out, List.of(body));
            out.println();
            printSteps(out, body.path("steps"));
        } else {
            List<JsonNode> items = new ArrayList<>();
            body.path("items").forEach(items::add);
            printSessions(out, items);
        }
        return 0;
    }

    private void printSessions(PrintWriter out, List<JsonNode> sessions) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAMESPACE", "NAME", "INVOKER-TYPE", "INVOKER-NAME", "PHASE", "DURATION", "AGE"});
        for (JsonNode s : sessions) {
            boolean backup = "BackupSession".equals(s.path("kind").asText());
            String invokerKind = backup ? s.path("spec").path("invoker").path("kind").asText() : "RestoreSession";
            String invokerName = backup ? s.path("spec").path("invoker").path("name").asText()
                    : s.path("metadata").path("name").asText();
            rows.add(new String[] {s.path("metadata").path("namespace").asText(), s.path("metadata").path("name").asText(),
                    invokerKind, invokerName, s.path("status").path("phase").asText(),
                    s.path("status").path("sessionDuration").asText(""),
                    age(s.path("metadata").path("creationTimestamp").asText(null))});
        }
        if (rows.size() == 1) {
            out.println("No sessions found.");
            return;
        }
        table(out, rows);
    }

    private void printSteps(PrintWriter out, JsonNode steps) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"TARGET", "HOST", "ATTEMPT", "STEP", "CONTAINER", "ROLE", "STATE", "EXIT", "REASON", "MESSAGE"});
        for (JsonNode step : steps) {
            rows.add(new String[] {step.path("target").asText(), step.path("host").asText(),
                    step.path("attempt").asText(), step.path("index").asText(), step.path("container").asText(),
                    step.path("role").asText(), step.path("state").asText(), step.path("exitCode").asText(""),
                    step.path("reason").asText(""), abbreviate(step.path("message").asText(""))});
        }
        if (rows.size() == 1) {
            out.println("No steps reported yet.");
            return;
        }
        table(out, rows);
    }

    private void printRepositories(PrintWriter out, JsonNode items) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAMESPACE", "NAME", "INTEGRITY", "SIZE", "SNAPSHOT-COUNT", "LAST-SUCCESSFUL-BACKUP", "AGE"});
        for (JsonNode r : items) {
            JsonNode status = r.path("status");
            rows.add(new String[] {r.path("metadata").path("namespace").asText(), r.path("metadata").path("name").asText(),
                    status.has("integrity") ? status.path("integrity").asText() : "",
                    status.path("totalSize").asText(""),
                    status.has("snapshotCount") ? status.path("snapshotCount").asText() : "",
                    age(status.path("lastBackupTime").asText(null)),
                    age(r.path("metadata").path("creationTimestamp").asText(null))});
        }
        if (rows.size() == 1) {
            out.println("No repositories found.");
            return;
        }
        table(out, rows);
    }

    /** kubectl's column layout: left-aligned, three spaces between columns. */
    static void table(PrintWriter out, List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 3));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** kubectl's age ({@code HumanDuration}): {@code 45s}, {@code 4m2s}, {@code 15m}, {@code 3h5m}, {@code 2d}. */
    String age(String timestamp) {
        if (timestamp == null || timestamp.isEmpty()) {
            return "<unknown>";
        }
        Duration d = Duration.between(Instant.parse(timestamp), clock.instant());
        return humanDuration(d);
    }

    static String humanDuration(Duration d) {
        long seconds = Math.max(0, d.getSeconds());
        if (seconds < 120) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            return minutes + "m" + (seconds % 60 == 0 ? "" : seconds % 60 + "s");
        }
        if (minutes < 180) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            return hours + "h" + (minutes % 60 == 0 ? "" : minutes % 60 + "m");
        }
        if (hours < 48) {
            return hours + "h";
        }
        long days = hours / 24;
        if (days < 8) {
            return days + "d" + (hours % 24 == 0 ? "" : hours % 24 + "h");
        }
        if (days < 730) {
            return days + "d";
        }
        return days / 365 + "y";
    }

    private static String abbreviate(String text) {
        String oneLine = text.replace('\n', ' ').strip();
        return oneLine.length() > 80 ? oneLine.substring(0, 77) + "..." : oneLine;
    }
}
