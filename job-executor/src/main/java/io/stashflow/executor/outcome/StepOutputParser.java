package io.stashflow.executor.outcome;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stashflow.events.FileStats;
import io.stashflow.events.HostStats;
import io.stashflow.events.RepositoryAction;
import io.stashflow.events.RepositoryResult;
import io.stashflow.events.SnapshotStats;
import io.stashflow.executor.runtime.StepOutput;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what a step wrote about its work into {@link StepOutput}.
 *
 * <p>Two documents are understood, from a termination message or an {@code output.json} file:
 * <ul>
 *   <li>Stash's {@code output.json}: {@code {"targetStatus":{"ref":…,"stats":[{hostname,phase,duration,error,
 *       snapshots:[{name,path,totalSize,uploaded,processingTime,fileStats:{…}}]}]}}} (backup and restore);</li>
 *   <li>the built-in {@code update-status} result ({@code builtin-functions}' {@code UpdateStatusResult}, version 1):
 *       host stats under {@code hosts}, the repository work under {@code repository}: {@code {location,skippedReason,
 *       actions:[{action,stashAction,outcome,message}],integrity,totalSize,snapshotCount,
 *       snapshotsRemovedOnLastCleanup}}. Each action becomes one {@code RepositoryAction} named after its Stash action
 *       ({@code ApplyRetentionPolicy}, {@code VerifyRepositoryIntegrity}), succeeded when its outcome is
 *       {@code Succeeded} or {@code Skipped}, with the message {@code "<action> <outcome>: <message>"};</li>
 *   <li>for robustness, host stats also under {@code hostStats} or {@code stats}, and actions as
 *       {@code {name,succeeded,message}}.</li>
 * </ul>
 * Anything else (plain text, truncated JSON) yields {@link StepOutput#NONE}: a message is still a message.
 */
public final class StepOutputParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StepOutputParser() {
    }

    public static StepOutput parse(String text) {
        if (text == null) {
            return StepOutput.NONE;
        }
        String trimmed = text.strip();
        if (!trimmed.startsWith("{")) {
            return StepOutput.NONE;
        }
        JsonNode root;
        try {
            root = JSON.readTree(trimmed);
        } catch (JsonProcessingException e) {
            return StepOutput.NONE;
        }
        if (root == null || !root.isObject()) {
            return StepOutput.NONE;
        }
        List<HostStats> hosts = hostStats(root);
        boolean truncated = root.path("truncated").asBoolean(false);
        JsonNode repo = root.has("repository") ? root.get("repository") : root.get("repositoryResult");
        RepositoryResult repository = repo != null && repo.isObject() ? repositoryResult(repo) : null;
        return new StepOutput(hosts, repository, truncated);
    }

    private static List<HostStats> hostStats(JsonNode root) {
        JsonNode stats = root.path("targetStatus").path("stats");
        if (!stats.isArray()) {
            stats = root.has("hosts") ? root.get("hosts") : root.has("hostStats") ? root.get("hostStats") : root.path("stats");
        }
        if (!stats.isArray()) {
            JsonNode target = root.path("targetStatus");
            stats = target.path("hostStats");
        }
        List<HostStats> hosts = new ArrayList<>();
        if (!stats.isArray()) {
            return hosts;
        }
        for (JsonNode h : stats) {
            String hostname = text(h, "hostname");
            if (hostname == null) {
                continue;
            }
            List<SnapshotStats> snapshots = new ArrayList<>();
            for (JsonNode s : h.path("snapshots")) {
                JsonNode f = s.path("fileStats");
                snapshots.add(SnapshotStats.newBuilder()
                        .setName(orEmpty(text(s, "name")))
                        .setPath(orEmpty(text(s, "path")))
                        .setTotalSize(text(s, "totalSize"))
                        .setUploaded(text(s, "uploaded"))
                        .setProcessingTime(text(s, "processingTime"))
                        .setFileStats(f.isObject() ? FileStats.newBuilder()
                                .setTotalFiles(number(f, "totalFiles"))
                                .setNewFiles(number(f, "newFiles"))
                                .setModifiedFiles(number(f, "modifiedFiles"))
                                .setUnmodifiedFiles(number(f, "unmodifiedFiles"))
                                .build() : null)
                        .build());
            }
            hosts.add(HostStats.newBuilder()
                    .setHostname(hostname)
                    .setPhase(text(h, "phase") == null ? "Unknown" : text(h, "phase"))
                    .setDuration(text(h, "duration"))
                    .setError(text(h, "error"))
                    .setSnapshots(snapshots)
                    .build());
        }
        return hosts;
    }

    private static RepositoryResult repositoryResult(JsonNode r) {
        List<RepositoryAction> actions = new ArrayList<>();
        for (JsonNode a : r.path("actions")) {
            String outcome = text(a, "outcome");
            if (outcome != null) {
                // update-status: {action, stashAction, outcome, message}
                String action = text(a, "action");
                String name = text(a, "stashAction") != null ? text(a, "stashAction") : action;
                if (name == null) {
                    continue;
                }
                String message = text(a, "message");
                actions.add(RepositoryAction.newBuilder()
                        .setName(name)
                        .setSucceeded(outcome.equals("Succeeded") || outcome.equals("Skipped"))
                        .setMessage((action == null ? "" : action + " ") + outcome + (message == null ? "" : ": " + message))
                        .build());
                continue;
            }
            String name = text(a, "name");
            if (name == null) {
                continue;
            }
            actions.add(RepositoryAction.newBuilder()
                    .setName(name)
                    .setSucceeded(a.path("succeeded").asBoolean(false))
                    .setMessage(text(a, "message"))
                    .build());
        }
        JsonNode integrity = r.get("integrity");
        return RepositoryResult.newBuilder()
                .setActions(actions)
                .setSkippedReason(text(r, "skippedReason"))
                .setIntegrity(integrity == null || integrity.isNull() ? null : integrity.asBoolean())
                .setTotalSize(text(r, "totalSize"))
                .setSnapshotCount(number(r, "snapshotCount"))
                .setSnapshotsRemoved(r.has("snapshotsRemovedOnLastCleanup") ? number(r, "snapshotsRemovedOnLastCleanup")
                        : number(r, "snapshotsRemoved"))
                .build();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = v.asText();
        return s.isEmpty() ? null : s;
    }

    private static Long number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.canConvertToLong()) {
            return v.asLong();
        }
        try {
            return Long.parseLong(v.asText().strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
