package io.stashflow.builtin.restic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads restic 0.14's output. The shapes were taken from running restic 0.14.0:
 * <ul>
 *   <li>{@code backup --json --quiet}: one line {@code {"message_type":"summary","files_new":..,"files_changed":..,
 *       "files_unmodified":..,"data_added":..,"total_files_processed":..,"total_bytes_processed":..,
 *       "total_duration":<seconds>,"snapshot_id":"<8 hex>"}} (status lines, if any, come before it);</li>
 *   <li>{@code forget --json --quiet}: a JSON array of groups {@code {host, paths, tags, keep[], remove[], reasons[]}}
 *       on one line, or nothing at all when the repository has no snapshots;</li>
 *   <li>{@code stats --json --quiet --mode raw-data}: {@code {"total_size":..,"total_file_count":..,
 *       "total_blob_count":..,"snapshots_count":..}};</li>
 *   <li>{@code check}: text; the last stdout line is {@code no errors were found} when the repository is sound;
 *       with errors it exits 1 and stderr ends with {@code Fatal: repository contains errors}.</li>
 *   <li>{@code snapshots --json}: a JSON array of {@code {"time":"<RFC 3339, nanoseconds>","tree":..,"paths":[..],
 *       "hostname":..,"username":..,"id":"<64 hex>","short_id":"<8 hex>"}} on one line; {@code []} (exit 0) when
 *       nothing matches, also for an unknown snapshot ID or a {@code latest} no snapshot fits (restic then says
 *       {@code Ignoring ...} on stderr).</li>
 * </ul>
 */
public final class ResticOutput {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ResticOutput() {
    }

    /**
     * The {@code summary} message of {@code restic backup --json}.
     *
     * @throws IllegalArgumentException when the output has no summary line
     */
    public static BackupSummary backupSummary(String stdout) {
        for (String line : stdout.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.startsWith("{")) {
                continue;
            }
            JsonNode message;
            try {
                message = MAPPER.readTree(trimmed);
            } catch (JsonProcessingException e) {
                continue; // a status line cut short; the summary is a separate, complete line
            }
            if ("summary".equals(message.path("message_type").asText())) {
                return new BackupSummary(
                        message.path("snapshot_id").asText(""),
                        message.path("files_new").asLong(),
                        message.path("files_changed").asLong(),
                        message.path("files_unmodified").asLong(),
                        message.path("total_files_processed").asLong(),
                        message.path("data_added").asLong(),
                        message.path("total_bytes_processed").asLong(),
                        message.path("total_duration").asDouble());
            }
        }
        throw new IllegalArgumentException("restic backup printed no summary message (message_type \"summary\");"
                + " is this restic 0.14 or newer?");
    }

    /**
     * Kept and removed snapshots over all groups of {@code restic forget --json}.
     *
     * @throws IllegalArgumentException when the output is neither empty nor a JSON array of groups
     */
    public static ForgetSummary forgetSummary(String stdout) {
        String json = null;
        for (String line : stdout.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("[")) {
                json = trimmed;
                break;
            }
        }
        if (json == null) {
            if (stdout.isBlank()) {
                return new ForgetSummary(0, 0); // restic prints nothing for a repository without snapshots
            }
            throw new IllegalArgumentException("restic forget printed no JSON array of snapshot groups");
        }
        JsonNode groups;
        try {
            groups = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("restic forget printed an unreadable JSON array: "
                    + e.getOriginalMessage());
        }
        long kept = 0;
        long removed = 0;
        for (JsonNode group : groups) {
            kept += group.path("keep").size();
            removed += group.path("remove").size();
        }
        return new ForgetSummary(kept, removed);
    }

    /**
     * @throws IllegalArgumentException when the output is not restic's stats object
     */
    public static RepositoryStats repositoryStats(String stdout) {
        for (String line : stdout.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.startsWith("{")) {
                continue;
            }
            try {
                JsonNode stats = MAPPER.readTree(trimmed);
                if (stats.has("total_size")) {
                    return new RepositoryStats(stats.path("total_size").asLong(), stats.path("snapshots_count").asLong());
                }
            } catch (JsonProcessingException e) {
                // keep looking: only the stats object matters
            }
        }
        throw new IllegalArgumentException("restic stats printed no JSON object with total_size");
    }

    /**
     * The snapshots of {@code restic snapshots --json}.
     *
     * @throws IllegalArgumentException when the output has no JSON array of snapshots, or a snapshot lacks its ID,
     *         time or paths
     */
    public static List<Snapshot> snapshots(String stdout) {
        String json = null;
        for (String line : stdout.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("[")) {
                json = trimmed;
                break;
            }
        }
        if (json == null) {
            throw new IllegalArgumentException("restic snapshots printed no JSON array of snapshots");
        }
        JsonNode array;
        try {
            array = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("restic snapshots printed an unreadable JSON array: "
                    + e.getOriginalMessage());
        }
        List<Snapshot> snapshots = new ArrayList<>();
        for (JsonNode node : array) {
            String id = node.path("id").asText("");
            if (id.isEmpty() || !node.path("paths").isArray() || !node.hasNonNull("time")) {
                throw new IllegalArgumentException("restic snapshots printed a snapshot without id, time or paths: "
                        + node);
            }
            Instant time;
            try {
                time = OffsetDateTime.parse(node.get("time").asText()).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("restic snapshots printed an unreadable time for snapshot " + id
                        + ": " + node.get("time").asText());
            }
            List<String> paths = new ArrayList<>();
            node.get("paths").forEach(path -> paths.add(path.asText()));
            snapshots.add(new Snapshot(id, node.path("short_id").asText(id.substring(0, Math.min(8, id.length()))),
                    time, node.path("hostname").asText(""), paths));
        }
        return List.copyOf(snapshots);
    }

    /** Whether {@code restic check} said the repository is sound. */
    public static boolean checkFoundNoErrors(String stdout) {
        for (String line : stdout.split("\n")) {
            if (line.strip().equals("no errors were found")) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code restic check} found damage (as opposed to failing to reach the repository). */
    public static boolean checkFoundErrors(String stderr) {
        return stderr.contains("repository contains errors");
    }

    /** Whether restic failed because there is no repository at the location yet. */
    public static boolean repositoryDoesNotExist(String stderr) {
        return stderr.contains("unable to open config file") || stderr.contains("Is there a repository at the following location?");
    }

    /**
     * The reason of a failed restic command: the last lines of its error output (at most three, without restic's
     * retry chatter), cut to {@code maxLength} characters. Not yet redacted.
     */
    public static String failureReason(int exitCode, String stderr, int maxLength) {
        List<String> lines = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.contains("returned error, retrying after")) {
                continue;
            }
            lines.add(trimmed);
        }
        List<String> last = lines.subList(Math.max(0, lines.size() - 3), lines.size());
        String reason = last.isEmpty() ? "restic exited with code " + exitCode + " and printed no error"
                : String.join(" ", last) + " (exit code " + exitCode + ")";
        if (reason.length() > maxLength) {
            reason = "…" + reason.substring(reason.length() - maxLength + 1);
        }
        return reason;
    }

    /**
     * restic's backup summary.
     *
     * @param snapshotId short snapshot ID
     * @param totalDurationSeconds the backup's duration in seconds
     */
    public record BackupSummary(String snapshotId, long filesNew, long filesChanged, long filesUnmodified,
            long totalFilesProcessed, long dataAdded, long totalBytesProcessed, double totalDurationSeconds) {
    }

    /** @param kept snapshots kept (or that would be, on a dry run); @param removed snapshots removed */
    public record ForgetSummary(long kept, long removed) {
    }

    /** @param totalSizeBytes the repository's stored size; @param snapshotCount snapshots in the repository */
    public record RepositoryStats(long totalSizeBytes, long snapshotCount) {
    }

    /**
     * One snapshot as {@code restic snapshots --json} lists it.
     *
     * @param id the full snapshot ID
     * @param paths the paths backed up into it, as recorded (absolute, in restic's order)
     */
    public record Snapshot(String id, String shortId, Instant time, String hostname, List<String> paths) {
        public Snapshot {
            paths = List.copyOf(paths);
        }
    }
}
