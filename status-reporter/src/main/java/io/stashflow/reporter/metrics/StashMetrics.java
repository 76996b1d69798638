package io.stashflow.reporter.metrics;

import io.stashflow.events.FileStats;
import io.stashflow.events.HostStats;
import io.stashflow.events.InvokerRef;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionStatus;
import io.stashflow.events.SnapshotStats;
import io.stashflow.events.TargetRef;
import io.stashflow.events.TargetStatus;
import io.stashflow.reporter.core.GoDuration;
import io.stashflow.reporter.core.Phases;
import io.stashflow.reporter.core.StatusProjector.RepositoryUpdate;
import io.stashflow.service.metrics.MetricFamily;
import io.stashflow.service.metrics.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Computes the metrics Stash pushes for a completed session (stashed/apimachinery {@code pkg/metrics}), as pure data:
 * the Pushgateway job and the families, each under its new name ({@code stash_appscode_com_*}) and its legacy name
 * ({@code stash_*}) with the same labels. All are gauges.
 *
 * <p>Labels: the invoker's ({@code invoker_kind}, {@code invoker_name}, {@code namespace}, {@code driver=Restic},
 * {@code repository}) on every family; target families add {@code kind}, {@code group} (from the target's apiVersion)
 * and {@code name}; host families add {@code hostname}; repository families set {@code name} and {@code namespace} to
 * the repository's.
 *
 * <p>What succeeds pushes more than what fails, which with the Pushgateway's POST semantics is what keeps the last
 * success time of an invoker after a later failure: a failed session pushes only {@code …success=0} (session, target
 * and host), a successful one also pushes durations, counts and {@code last_success_time_seconds}.
 *
 * <p>Differences from Stash, on purpose: all targets' and hosts' series go in one push, so a multi-target session
 * keeps every target's series (Stash pushes per target with the same family names, so only the last survives);
 * times are the session's completion time rather than the push time, so pushing the same session twice pushes the
 * same values; a session without any target counts as failed (Stash's loop over no targets would report success);
 * AppBinding targets are labelled {@code kind=appbindings, group=appcatalog.appscode.com} (Stash's fallback; it reads
 * the app's kind from the AppBinding, which the reporter cannot see); repository families carry no
 * {@code backend}/{@code bucket}/{@code prefix} labels (the events do not carry the backend).
 */
public final class StashMetrics {

    private static final String NEW = "stash_appscode_com_";
    private static final String LEGACY = "stash_";

    private StashMetrics() {
    }

    /** The metrics of one session, ready to push. */
    public record Push(String job, Optional<String> cluster, List<MetricFamily> families, Instant completedAt,
                       boolean reportsRepositoryMetrics) {
    }

    /** Stash's job name: {@code <lower(invoker kind)>-<namespace>-<invoker name>}. */
    public static String jobName(InvokerRef invoker, String namespace) {
        return invoker.getKind().toLowerCase(Locale.ROOT) + "-" + namespace + "-" + invoker.getName();
    }

    /**
     * @param status          the completed session
     * @param repositoryName  {@code namespace/name} or {@code name} of the session's repository, or null
     * @param repository      the repository result of the session's update-status, when it has one
     * @param fleetCluster    the cluster id to add to the grouping key (fleet mode), or empty
     * @param extraLabels     labels added to every series (Stash's {@code --metrics-labels})
     */
    public static Push compute(SessionStatus status, String repositoryName, Optional<RepositoryUpdate> repository,
                               Optional<String> fleetCluster, Map<String, String> extraLabels) {
        InvokerRef invoker = status.getInvoker();
        if (invoker == null) {
            throw new IllegalArgumentException("session " + status.getSessionKey() + " has no invoker, so it has no"
                    + " Pushgateway job; the SessionRequested or StepOutcome events must carry it");
        }
        String namespace = status.getSessionKey().getNamespace();
        boolean backup = status.getSessionKey().getKind() == SessionKind.BACKUP;
        Map<String, String> invokerLabels = new LinkedHashMap<>(extraLabels);
        invokerLabels.put("invoker_kind", invoker.getKind());
        invokerLabels.put("invoker_name", invoker.getName());
        invokerLabels.put("namespace", namespace);
        invokerLabels.put("driver", "Restic");
        String repoName = repositoryName == null ? "" : repositoryName.substring(repositoryName.indexOf('/') + 1);
        invokerLabels.put("repository", repoName);

        Instant completedAt = status.getUpdatedAt();
        Instant createdAt = status.getCreatedAt() == null ? completedAt : status.getCreatedAt();
        double durationSeconds = Math.max(0, Math.round(Duration.between(createdAt, completedAt).toMillis() / 1000.0));
        List<TargetStatus> targets = status.getTargets();
        boolean succeeded = !targets.isEmpty() && targets.stream().allMatch(t -> Phases.SUCCEEDED.equals(t.getPhase()));

        Families f = new Families();
        String session = backup ? "backupsession_" : "restoresession_";
        String legacy = backup ? "backup_" : "restore_";
        f.add(session + "success", legacy + "session_success", "Whether the whole session succeeded (1) or not (0)",
                invokerLabels, succeeded ? 1 : 0);
        if (succeeded) {
            f.add(session + "duration_seconds", legacy + "session_duration_seconds",
                    "Time the whole session took, from creation to completion", invokerLabels, durationSeconds);
            f.add(session + "target_count_total", legacy + "target_count_total",
                    "Number of targets the session covered", invokerLabels, targets.size());
            if (backup) {
                f.add(session + "last_success_time_seconds", legacy + "last_success_time_seconds",
                        "Unix time at which the last successful session completed", invokerLabels,
                        completedAt.toEpochMilli() / 1000.0);
            }
        }
        for (TargetStatus target : targets) {
            Map<String, String> labels = new LinkedHashMap<>(invokerLabels);
            labels.putAll(targetLabels(target.getRef()));
            boolean targetOk = Phases.SUCCEEDED.equals(target.getPhase());
            f.add(session + "target_success", legacy + "target_success", "Whether the target succeeded (1) or not (0)",
                    labels, targetOk ? 1 : 0);
            if (targetOk) {
                if (backup) {
                    f.add(session + "target_last_success_time_seconds", legacy + "target_last_success_time_seconds",
                            "Unix time at which the target last succeeded", labels, completedAt.toEpochMilli() / 1000.0);
                }
                if (target.getTotalHosts() != null) {
                    f.add(session + "target_host_count_total", legacy + "target_host_count_total",
                            "Number of hosts of the target", labels, target.getTotalHosts());
                }
            }
            for (HostStats host : target.getStats()) {
                Map<String, String> hostLabels = new LinkedHashMap<>(labels);
                hostLabels.put("hostname", host.getHostname());
                hostMetrics(f, backup, session, legacy, hostLabels, host);
            }
        }
        boolean repositoryMetrics = false;
        if (backup && repository.isPresent()) {
            RepositoryUpdate r = repository.get();
            Map<String, String> labels = new LinkedHashMap<>(invokerLabels);
            labels.put("name", r.name());
            labels.put("namespace", r.namespace());
            f.add("repository_integrity", "repository_integrity", "Whether the repository passed its integrity check",
                    labels, Boolean.TRUE.equals(r.integrity()) ? 1 : 0);
            ByteSizes.toBytes(r.totalSize()).ifPresent(size -> f.add("repository_size_bytes", "repository_size_bytes",
                    "Size of the repository in bytes", labels, size));
            if (r.snapshotCount() != null) {
                f.add("repository_snapshot_count", "repository_snapshot_count", "Snapshots in the repository", labels,
                        r.snapshotCount());
            }
            if (r.snapshotsRemoved() != null) {
                f.add("repository_snapshot_cleaned", "repository_snapshot_cleaned",
                        "Snapshots removed by the last retention run", labels, r.snapshotsRemoved());
            }
            repositoryMetrics = true;
        }
        String job = jobName(invoker, namespace);
        return new Push(job, fleetCluster, f.build(), completedAt, repositoryMetrics);
    }

    private static void hostMetrics(Families f, boolean backup, String session, String legacy,
                                    Map<String, String> labels, HostStats host) {
        String op = backup ? "backup" : "restore";
        boolean ok = host.getError() == null || host.getError().isEmpty();
        if (!backup) {
            ok = ok && Phases.SUCCEEDED.equals(host.getPhase());
        }
        f.add(session + "host_" + op + "_success", legacy + "host_" + op + "_success",
                "Whether the host's " + op + " succeeded (1) or not (0)", labels, ok ? 1 : 0);
        if (!ok) {
            return;
        }
        GoDuration.parse(host.getDuration()).ifPresent(d -> f.add(session + "host_" + op + "_duration_seconds",
                legacy + "host_" + op + "_duration_seconds", "Time the host's " + op + " took", labels,
                d.toMillis() / 1000.0));
        if (!backup) {
            return;
        }
        double size = 0;
        double uploaded = 0;
        long processing = 0;
        long total = 0;
        long created = 0;
        long modified = 0;
        long unmodified = 0;
        for (SnapshotStats s : host.getSnapshots()) {
            size += ByteSizes.toBytes(s.getTotalSize()).orElse(0d);
            uploaded += ByteSizes.toBytes(s.getUploaded()).orElse(0d);
            processing += ByteSizes.processingSeconds(s.getProcessingTime()).orElse(0L);
            FileStats files = s.getFileStats();
            if (files != null) {
                total += files.getTotalFiles() == null ? 0 : files.getTotalFiles();
                created += files.getNewFiles() == null ? 0 : files.getNewFiles();
                modified += files.getModifiedFiles() == null ? 0 : files.getModifiedFiles();
                unmodified += files.getUnmodifiedFiles() == null ? 0 : files.getUnmodifiedFiles();
            }
        }
        f.add(session + "host_data_size_bytes", legacy + "host_data_size_bytes", "Size of the host's data to back up",
                labels, size);
        f.add(session + "host_data_uploaded_bytes", legacy + "host_data_uploaded_bytes",
                "Data the host uploaded to the repository", labels, uploaded);
        f.add(session + "host_data_processing_time_seconds", legacy + "host_data_processing_time_seconds",
                "Time the host spent processing its data", labels, processing);
        f.add(session + "host_files_total", legacy + "host_files_total", "Files backed up for the host", labels, total);
        f.add(session + "host_files_new", legacy + "host_files_new", "New files since the last backup", labels, created);
        f.add(session + "host_files_modified", legacy + "host_files_modified", "Modified files since the last backup",
                labels, modified);
        f.add(session + "host_files_unmodified", legacy + "host_files_unmodified",
                "Unchanged files since the last backup", labels, unmodified);
    }

    /** Stash's target labels: {@code kind}, {@code group} (from apiVersion), {@code name}. */
    static Map<String, String> targetLabels(TargetRef ref) {
        Map<String, String> labels = new LinkedHashMap<>();
        if ("AppBinding".equals(ref.getKind())) {
            labels.put("kind", "appbindings");
            labels.put("group", "appcatalog.appscode.com");
        } else {
            labels.put("kind", ref.getKind());
            String apiVersion = ref.getApiVersion();
            labels.put("group", apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "");
        }
        labels.put("name", ref.getName());
        return labels;
    }

    /** Collects samples per family, keeping each family once under both names. */
    private static final class Families {
        private final TreeMap<String, String> help = new TreeMap<>();
        private final TreeMap<String, List<Sample>> samples = new TreeMap<>();
        private final Map<String, String> legacyOf = new LinkedHashMap<>();

        void add(String suffix, String legacySuffix, String helpText, Map<String, String> labels, double value) {
            String name = NEW + suffix;
            help.putIfAbsent(name, helpText);
            legacyOf.putIfAbsent(name, LEGACY + legacySuffix);
            samples.computeIfAbsent(name, k -> new ArrayList<>()).add(Sample.of(labels, value));
        }

        List<MetricFamily> build() {
            List<MetricFamily> out = new ArrayList<>();
            for (Map.Entry<String, List<Sample>> e : samples.entrySet()) {
                MetricFamily family = MetricFamily.gauge(e.getKey(), help.get(e.getKey()), dedupe(e.getValue()));
                out.add(family);
                out.add(family.renamed(legacyOf.get(e.getKey())));
            }
            return out;
        }

        /** Two hosts or targets with identical labels would be one series: the last value wins, as in a registry. */
        private static List<Sample> dedupe(List<Sample> in) {
            Map<Map<String, String>, Sample> byLabels = new LinkedHashMap<>();
            for (Sample s : in) {
                byLabels.put(s.labels(), s);
            }
            return new ArrayList<>(byLabels.values());
        }
    }
}
