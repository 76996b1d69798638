package io.stashflow.reporter.metrics;

import static io.stashflow.reporter.Fixtures.at;
import static io.stashflow.reporter.Fixtures.backupKey;
import static io.stashflow.reporter.Fixtures.host;
import static io.stashflow.reporter.Fixtures.repositoryResult;
import static io.stashflow.reporter.Fixtures.request;
import static io.stashflow.reporter.Fixtures.restoreKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.events.SessionKey;
import io.stashflow.events.StepRole;
import io.stashflow.reporter.Fixtures.Session;
import io.stashflow.reporter.core.PhaseTableTest;
import io.stashflow.reporter.core.SessionFacts;
import io.stashflow.reporter.core.StatusProjector;
import io.stashflow.service.metrics.MetricFamily;
import io.stashflow.service.metrics.PrometheusTextFormat;
import io.stashflow.service.metrics.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class StashMetricsTest {

    static final StatusProjector.Settings GATED = new StatusProjector.Settings(true);

    static StatusProjector.Projection completed(SessionKey key, List<Object> inputs) {
        SessionFacts facts = PhaseTableTest.facts(key, inputs);
        StatusProjector.Projection p = StatusProjector.project(facts, GATED);
        assertTrue(p.completed());
        return p;
    }

    static Sample only(List<MetricFamily> families, String name) {
        MetricFamily f = PrometheusTextFormat.find(families, name).orElseThrow(() -> new AssertionError("no " + name));
        assertEquals(1, f.samples().size(), f.toString());
        return f.samples().get(0);
    }

    @Test
    void aSuccessfulBackupPushesEveryFamilyUnderBothNamesWithStashsLabels() {
        SessionKey key = backupKey("pg-backup-1");
        List<Object> in = new ArrayList<>(List.of(request(key, 0)));
        in.addAll(new Session(key).successfulTarget(0, 5));
        StatusProjector.Projection p = completed(key, in);
        StashMetrics.Push push = StashMetrics.compute(p.status(), "demo/gcs-repo", p.repository(), Optional.empty(),
                Map.of("env", "prod"));
        assertEquals("backupconfiguration-demo-pg-backup", push.job());
        assertEquals(at(35), push.completedAt());
        List<MetricFamily> f = push.families();
        Map<String, String> invoker = Map.of("env", "prod", "invoker_kind", "BackupConfiguration",
                "invoker_name", "pg-backup", "namespace", "demo", "driver", "Restic", "repository", "gcs-repo");
        for (String name : List.of("stash_backup_session_success", "stash_appscode_com_backupsession_success")) {
            assertEquals(Sample.of(invoker, 1), only(f, name));
        }
        assertEquals(35.0, only(f, "stash_backup_session_duration_seconds").value());
        assertEquals(1.0, only(f, "stash_appscode_com_backupsession_target_count_total").value());
        assertEquals((double) at(35).getEpochSecond(), only(f, "stash_backup_last_success_time_seconds").value());
        Sample target = only(f, "stash_backup_target_success");
        assertEquals("appbindings", target.labels().get("kind"));
        assertEquals("appcatalog.appscode.com", target.labels().get("group"));
        assertEquals("pg", target.labels().get("name"));
        Sample hostSize = only(f, "stash_appscode_com_backupsession_host_data_size_bytes");
        assertEquals("host-0", hostSize.labels().get("hostname"));
        assertEquals(12.5 * 1024 * 1024, hostSize.value());
        assertEquals(125.0, only(f, "stash_backup_host_data_processing_time_seconds").value());
        assertEquals(12.5, only(f, "stash_backup_host_backup_duration_seconds").value());
        assertEquals(10.0, only(f, "stash_backup_host_files_total").value());
        Sample size = only(f, "stash_repository_size_bytes");
        assertEquals(1.25 * 1024 * 1024 * 1024, size.value());
        assertEquals("gcs-repo", size.labels().get("name"));
        assertEquals(7.0, only(f, "stash_appscode_com_repository_snapshot_count").value());
        assertEquals(2.0, only(f, "stash_repository_snapshot_cleaned").value());
        assertEquals(1.0, only(f, "stash_repository_integrity").value());
        Set<String> names = f.stream().map(MetricFamily::name).collect(Collectors.toSet());
        long legacy = names.stream().filter(n -> !n.startsWith("stash_appscode_com_")).count();
        assertEquals(names.size() - legacy, legacy, "every family under both names: " + names);
        assertTrue(push.reportsRepositoryMetrics());
    }

    @Test
    void aFailedBackupPushesOnlyTheSuccessGauges() {
        SessionKey key = backupKey("pg-backup-2");
        Session s = new Session(key);
        StatusProjector.Projection p = completed(key, List.of(request(key, 0),
                s.failed(0, 0, "postgres-backup-16.1-0", StepRole.STEP, 9, "Error", "boom")));
        List<MetricFamily> f = StashMetrics.compute(p.status(), "gcs-repo", p.repository(), Optional.of("eu-1"),
                Map.of()).families();
        Set<String> names = f.stream().map(MetricFamily::name).collect(Collectors.toSet());
        assertEquals(Set.of("stash_backup_session_success", "stash_appscode_com_backupsession_success",
                "stash_backup_target_success", "stash_appscode_com_backupsession_target_success",
                "stash_backup_host_backup_success", "stash_appscode_com_backupsession_host_backup_success"), names);
        assertEquals(0.0, only(f, "stash_backup_session_success").value());
        assertFalse(names.contains("stash_backup_last_success_time_seconds"), "so the last success time survives");
    }

    @Test
    void restoreSessionsUseTheRestoreFamilies() {
        SessionKey key = restoreKey("pg-restore-1");
        Session s = new Session(key);
        StatusProjector.Projection p = completed(key, List.of(request(key, 0),
                s.updateStatus(0, 20, List.of(host("host-0", "Succeeded", null)), repositoryResult(true, true))));
        StashMetrics.Push push = StashMetrics.compute(p.status(), "gcs-repo", p.repository(), Optional.empty(), Map.of());
        assertEquals("restoresession-demo-pg-restore", push.job());
        Set<String> names = push.families().stream().map(MetricFamily::name).collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of("stash_restore_session_success", "stash_appscode_com_restoresession_success",
                "stash_restore_session_duration_seconds", "stash_restore_target_count_total",
                "stash_restore_target_success", "stash_restore_target_host_count_total",
                "stash_restore_host_restore_success", "stash_appscode_com_restoresession_host_restore_duration_seconds")),
                names.toString());
        assertFalse(names.stream().anyMatch(n -> n.contains("repository")), "restores push no repository metrics");
        assertFalse(names.stream().anyMatch(n -> n.contains("last_success")), names.toString());
    }

    @Test
    void sizesAndTimesAreConvertedAsStashDoes() {
        assertEquals(Optional.of(1536.0), ByteSizes.toBytes("1.5 KiB"));
        assertEquals(Optional.of(3.0 * 1024 * 1024 * 1024 * 1024), ByteSizes.toBytes("3 TiB"));
        assertEquals(Optional.of(17.0), ByteSizes.toBytes("17 B"));
        assertEquals(Optional.empty(), ByteSizes.toBytes("lots"));
        assertEquals(Optional.of(3723L), ByteSizes.processingSeconds("1:2:3"));
        assertEquals(Optional.of(62L), ByteSizes.processingSeconds("1:2"));
        assertEquals(Optional.of(9L), ByteSizes.processingSeconds("9"));
    }

    @Test
    void theScrapeViewKeepsTheNewestValuePerFamilyAndGroup() {
        ScrapeView view = new ScrapeView();
        var success = io.stashflow.reporter.events.MetricFamilyState.newBuilder().setJob("j").setCluster(null)
                .setFamily("stash_backup_session_success").setText("# HELP stash_backup_session_success x\n"
                        + "# TYPE stash_backup_session_success gauge\nstash_backup_session_success{namespace=\"demo\"} 1\n")
                .setCompletedAt(at(10)).build();
        var failure = io.stashflow.reporter.events.MetricFamilyState.newBuilder(success)
                .setText(success.getText().replace("} 1", "} 0")).setCompletedAt(at(20)).build();
        view.apply("|j|stash_backup_session_success", failure);
        view.apply("|j|stash_backup_session_success", success); // older, arrives late
        Sample sample = view.families().get(0).samples().get(0);
        assertEquals(0.0, sample.value());
        assertEquals("j", sample.labels().get("job"));
        view.apply("|j|stash_backup_session_success", null);
        assertTrue(view.families().isEmpty());
    }
}
