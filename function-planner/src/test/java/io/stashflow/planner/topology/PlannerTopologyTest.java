package io.stashflow.planner.topology;

import static io.stashflow.planner.topology.PlannerFixtures.appBinding;
import static io.stashflow.planner.topology.PlannerFixtures.backupBatch;
import static io.stashflow.planner.topology.PlannerFixtures.backupConfiguration;
import static io.stashflow.planner.topology.PlannerFixtures.backupRequest;
import static io.stashflow.planner.topology.PlannerFixtures.definitions;
import static io.stashflow.planner.topology.PlannerFixtures.postgresWorld;
import static io.stashflow.planner.topology.PlannerFixtures.restoreRequest;
import static io.stashflow.planner.topology.PlannerFixtures.status;
import static io.stashflow.planner.topology.PlannerHarness.CLUSTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.PlanRejected;
import io.stashflow.events.Rejected;
import io.stashflow.events.SessionRequested;
import io.stashflow.events.StepRole;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The planner topology's rules, one test per rule, in a TopologyTestDriver. */
class PlannerTopologyTest {

    private static final String BC = "BackupConfiguration";

    @TempDir
    Path stateDir;

    private PlannerHarness planner;

    @BeforeEach
    void start() {
        planner = new PlannerHarness(stateDir);
        planner.publish(postgresWorld(CLUSTER));
    }

    @AfterEach
    void stop() {
        planner.close();
    }

    private Instant t(long seconds) {
        return PlannerHarness.START.plusSeconds(seconds);
    }

    @Test
    void plansOnePodForABackupConfigurationSessionWithDeadlineRetryAndHeaders() {
        planner.request(backupRequest(CLUSTER, "pg-backup-1", BC, "pg-backup", t(0), 2));

        List<TestRecord<String, JobPlanned>> records = planner.planRecords();
        assertEquals(1, records.size());
        TestRecord<String, JobPlanned> record = records.get(0);
        JobPlanned plan = record.value();
        assertEquals("c1/demo/pg-backup-1", record.key());
        assertEquals("c1/demo/pg-backup-1/0", plan.getPlanId());
        assertEquals("pg-backup-1", plan.getSessionKey().getName());
        assertEquals("BackupConfiguration", plan.getInvoker().getKind());
        assertEquals("AppBinding", plan.getTarget().getRef().getKind());
        assertEquals("pg", plan.getTarget().getRef().getName());
        assertEquals("demo", plan.getTarget().getRef().getNamespace());
        assertEquals(0, plan.getTarget().getIndex());
        assertEquals(1, plan.getTarget().getTotalTargets());
        assertEquals("demo/s3-repo", plan.getRepositoryName());
        assertEquals("30m", plan.getTimeOut());
        assertEquals(t(0).plus(Duration.ofMinutes(30)), plan.getDeadline());
        assertEquals(2, plan.getRetry().getMaxRetry());
        assertEquals("1m", plan.getRetry().getDelay());
        assertEquals(2, plan.getRetry().getRetryLeft());
        assertEquals(3, plan.getBackupHistoryLimit());
        assertEquals("stash-backup-pg-backup-1-0", plan.getPod().getName());
        assertEquals(List.of("postgres-backup-16-1-0"),
                plan.getPod().getInitContainers().stream().map(c -> c.getName()).toList());
        assertEquals(StepRole.UPDATE_STATUS, plan.getPod().getContainer().getStep().getRole());
        assertTrue(plan.getPod().getContainer().getStep().getFulfilledByReporter());
        assertTrue(plan.getPod().getInitContainers().get(0).getArgs().contains("--backupsession=pg-backup-1"),
                "the session name reaches the Function's variables");

        var attributes = CloudEventHeaders.read(record.headers()).orElseThrow();
        assertEquals("io.stashflow.job.planned.v1", attributes.type());
        assertEquals("c1/demo/pg-backup-1/0", attributes.id());
        assertEquals("c1/demo/pg-backup-1", attributes.subject());
        assertEquals(1, planner.listener.count("planned"));
        assertTrue(planner.rejections().isEmpty());
    }

    @Test
    void theSameRequestDeliveredTwiceYieldsOnePlan() {
        SessionRequested request = backupRequest(CLUSTER, "pg-backup-1", BC, "pg-backup", t(0), 0);
        planner.request(request);
        planner.request(request);
        planner.advance(Duration.ofSeconds(5));
        planner.request(request);

        assertEquals(1, planner.plans().size());
        assertEquals(2, planner.listener.count("duplicate"));
    }

    @Test
    void aRequestDeliveredAgainAfterTheKnownKeysFilterGrewIsStillADuplicate() {
        // more sessions than the smallest known-keys filter takes (65,536): it grows a layer on the way
        int sessions = 66_000;
        SessionRequested first = backupRequest(CLUSTER, "pg-backup-0", BC, "pg-backup", t(0), 0);
        planner.request(first);
        for (int i = 1; i < sessions; i++) {
            planner.request(SessionRequested.newBuilder(first).setSessionName("pg-backup-" + i).build());
        }
        planner.request(first);

        assertEquals(sessions, planner.listener.count("planned"));
        assertEquals(1, planner.listener.count("duplicate"));
    }

    @Test
    void anUnresolvableSessionIsRejectedWithResourceFieldAndVariable() {
        planner.publish(definitions(CLUSTER, """
                apiVersion: stash.appscode.com/v1beta1
                kind: Function
                metadata:
                  name: needs-var
                spec:
                  image: busybox
                  args:
                  - --target=${TARGET_DATABASE}
                ---
                apiVersion: stash.appscode.com/v1beta1
                kind: Task
                metadata:
                  name: needs-var-task
                spec:
                  steps:
                  - name: needs-var
                  - name: update-status
                """));
        planner.publish(definitions(CLUSTER, appBinding("pg-x") + "---\n" + backupConfiguration("broken", "pg-x", "")
                .replace("name: postgres-backup-16.1", "name: needs-var-task")));
        planner.request(backupRequest(CLUSTER, "broken-1", BC, "broken", t(0), 0));

        assertTrue(planner.plans().isEmpty());
        List<PlanRejected> rejections = planner.rejections();
        assertEquals(1, rejections.size());
        PlanRejected rejection = rejections.get(0);
        assertFalse(rejection.getSkipped());
        assertEquals("Function", rejection.getResourceKind());
        assertEquals("needs-var", rejection.getResourceName());
        assertEquals("spec.args[0]", rejection.getFieldPath());
        assertEquals("TARGET_DATABASE", rejection.getVariable());
        assertTrue(rejection.getReason().contains("TARGET_DATABASE"), rejection.getReason());
        assertEquals("broken-1", rejection.getSessionKey().getName());
        assertEquals(1, planner.listener.count("rejected:UNRESOLVED_VARIABLE"));
    }

    @Test
    void aMissingInvokerIsRejectedOnceTheDefinitionsGracePeriodIsOver() {
        planner.request(backupRequest(CLUSTER, "ghost-1", BC, "ghost", t(0), 0));
        assertTrue(planner.rejections().isEmpty(), "within the grace period the definition may still arrive");

        planner.advance(Duration.ofSeconds(11));

        List<PlanRejected> rejections = planner.rejections();
        assertEquals(1, rejections.size());
        assertEquals("BackupConfiguration", rejections.get(0).getResourceKind());
        assertTrue(rejections.get(0).getReason().contains("ghost"), rejections.get(0).getReason());
        assertTrue(planner.plans().isEmpty());
    }

    @Test
    void aSessionWaitsForDefinitionsThatArriveAfterIt() {
        planner.request(backupRequest(CLUSTER, "late-1", BC, "late", t(0), 0));
        planner.advance(Duration.ofSeconds(2));
        assertTrue(planner.plans().isEmpty());

        planner.publish(definitions(CLUSTER, backupConfiguration("late", "pg", "")));
        planner.advance(Duration.ofSeconds(1));

        assertEquals(1, planner.plans().size());
        assertTrue(planner.rejections().isEmpty());
    }

    @Test
    void aSessionIsSkippedWhileAnotherSessionOfItsInvokerIsRunning() {
        planner.request(backupRequest(CLUSTER, "pg-backup-1", BC, "pg-backup", t(0), 0));
        assertEquals(1, planner.plans().size());
        planner.status(status(CLUSTER, "pg-backup-1", BC, "pg-backup", "Running", t(1), Map.of("pg", "Running")));

        planner.request(backupRequest(CLUSTER, "pg-backup-2", BC, "pg-backup", t(2), 0));

        assertTrue(planner.plans().isEmpty());
        List<PlanRejected> rejections = planner.rejections();
        assertEquals(1, rejections.size());
        PlanRejected skip = rejections.get(0);
        assertTrue(skip.getSkipped());
        assertEquals("pg-backup-2", skip.getSessionKey().getName());
        assertEquals("Skipped taking new backup. Reason: Previous BackupSession: pg-backup-1 is \"Running\".",
                skip.getReason());
        assertEquals(1, planner.listener.count("skipped"));

        // once the first one ended, the next session runs
        planner.status(status(CLUSTER, "pg-backup-1", BC, "pg-backup", "Succeeded", t(3), Map.of("pg", "Succeeded")));
        planner.request(backupRequest(CLUSTER, "pg-backup-3", BC, "pg-backup", t(4), 0));
        assertEquals(1, planner.plans().size());
    }

    @Test
    void aRunningSessionKnownOnlyFromItsStatusAlsoSkipsTheNextOne() {
        // e.g. requested before this planner's state existed
        planner.status(status(CLUSTER, "pg-backup-0", BC, "pg-backup", "Running", t(0), Map.of("pg", "Running")));
        planner.request(backupRequest(CLUSTER, "pg-backup-1", BC, "pg-backup", t(1), 0));

        List<PlanRejected> rejections = planner.rejections();
        assertEquals(1, rejections.size());
        assertTrue(rejections.get(0).getSkipped());
        assertTrue(rejections.get(0).getReason().contains("pg-backup-0"));
        assertTrue(planner.plans().isEmpty());
    }

    @Test
    void aSessionOfAPausedInvokerIsSkipped() {
        planner.publish(definitions(CLUSTER, backupConfiguration("paused-bc", "pg", "paused: true")));
        planner.request(backupRequest(CLUSTER, "paused-bc-1", BC, "paused-bc", t(0), 0));

        List<PlanRejected> rejections = planner.rejections();
        assertEquals(1, rejections.size());
        assertTrue(rejections.get(0).getSkipped());
        assertEquals("spec.paused", rejections.get(0).getFieldPath());
        assertEquals("Skipped taking backup. Reason: BackupConfiguration demo/paused-bc is paused.",
                rejections.get(0).getReason());
        assertTrue(planner.plans().isEmpty());
    }

    @Test
    void aSessionStaysPendingWhileAnotherInvokerBacksUpTheSameTarget() {
        planner.publish(definitions(CLUSTER, backupConfiguration("pg-hourly", "pg", "")));
        planner.request(backupRequest(CLUSTER, "pg-backup-1", BC, "pg-backup", t(0), 0));
        assertTrue(planner.plans().isEmpty(), "two invokers share the target: a new session waits two seconds");
        planner.advance(Duration.ofSeconds(2));
        assertEquals(List.of("pg-backup-1"), sessionNames(planner.plans()));

        planner.request(backupRequest(CLUSTER, "pg-hourly-1", BC, "pg-hourly", t(3), 0));
        planner.advance(Duration.ofSeconds(10));
        assertTrue(planner.plans().isEmpty(), "pg-backup-1 backs up pg, so pg-hourly-1 is pending");
        assertTrue(planner.rejections().isEmpty(), "pending, not skipped");
        assertEquals(2, planner.listener.count("pending"), "pg-backup-1 waited its two seconds, pg-hourly-1 for it");

        planner.status(status(CLUSTER, "pg-backup-1", BC, "pg-backup", "Succeeded", t(20), Map.of("pg", "Succeeded")));
        assertEquals(List.of("pg-hourly-1"), sessionNames(planner.plans()));
    }

    @Test
    void ofTwoWaitingSessionsOfDifferentInvokersTheOlderGoesFirst() {
        planner.publish(definitions(CLUSTER, backupConfiguration("pg-hourly", "pg", "")));
        planner.request(backupRequest(CLUSTER, "pg-hourly-1", BC, "pg-hourly", t(1), 0));
        planner.request(backupRequest(CLUSTER, "pg-backup-1", BC, "pg-backup", t(0), 0));
        planner.advance(Duration.ofSeconds(3));

        assertEquals(List.of("pg-backup-1"), sessionNames(planner.plans()));
        planner.status(status(CLUSTER, "pg-backup-1", BC, "pg-backup", "Failed", t(5), Map.of("pg", "Failed")));
        assertEquals(List.of("pg-hourly-1"), sessionNames(planner.plans()));
    }

    @Test
    void aSequentialBatchPlansEachMemberAfterThePreviousOneCompleted() {
        planner.publish(definitions(CLUSTER, appBinding("pg-a") + "---\n" + appBinding("pg-b") + "---\n"
                + backupBatch("nightly", "Sequential", List.of("pg-a", "pg-b"))));
        planner.request(backupRequest(CLUSTER, "nightly-1", "BackupBatch", "nightly", t(0), 0));

        List<JobPlanned> first = planner.plans();
        assertEquals(1, first.size());
        assertEquals(0, first.get(0).getTarget().getIndex());
        assertEquals(2, first.get(0).getTarget().getTotalTargets());
        assertEquals("pg-a", first.get(0).getTarget().getRef().getName());

        planner.status(status(CLUSTER, "nightly-1", "BackupBatch", "nightly", "Running", t(10),
                Map.of("pg-a", "Running")));
        planner.advance(Duration.ofSeconds(5));
        assertTrue(planner.plans().isEmpty(), "the second member waits for the first");

        planner.status(status(CLUSTER, "nightly-1", "BackupBatch", "nightly", "Running", t(20),
                Map.of("pg-a", "Succeeded")));
        List<JobPlanned> second = planner.plans();
        assertEquals(1, second.size());
        assertEquals(1, second.get(0).getTarget().getIndex());
        assertEquals("pg-b", second.get(0).getTarget().getRef().getName());
        assertEquals("c1/demo/nightly-1/1", second.get(0).getPlanId());
        assertEquals("stash-backup-nightly-1-1", second.get(0).getPod().getName());
    }

    @Test
    void aParallelBatchPlansEveryMemberAtOnce() {
        planner.publish(definitions(CLUSTER, appBinding("pg-a") + "---\n" + appBinding("pg-b") + "---\n"
                + backupBatch("nightly", "Parallel", List.of("pg-a", "pg-b"))));
        planner.request(backupRequest(CLUSTER, "nightly-1", "BackupBatch", "nightly", t(0), 0));

        List<JobPlanned> plans = planner.plans();
        assertEquals(List.of(0, 1), plans.stream().map(p -> p.getTarget().getIndex()).toList());
        assertEquals(List.of("pg-a", "pg-b"), plans.stream().map(p -> p.getTarget().getRef().getName()).toList());
    }

    @Test
    void aFailedSessionWithRetriesLeftIsRetriedAfterTheDelay() {
        planner.request(backupRequest(CLUSTER, "pg-backup-1", BC, "pg-backup", t(0), 2));
        assertEquals(1, planner.plans().size());

        Instant failedAt = planner.now().plusSeconds(30);
        planner.status(status(CLUSTER, "pg-backup-1", BC, "pg-backup", "Failed", failedAt, Map.of("pg", "Failed")));
        planner.advance(Duration.ofSeconds(60));
        assertTrue(planner.plannerRequests().isEmpty(), "delay is 1m after the failure");

        planner.advance(Duration.ofSeconds(31));
        List<SessionRequested> retries = planner.plannerRequests();
        assertEquals(1, retries.size());
        SessionRequested retry = retries.get(0);
        Instant retriedAt = planner.now();
        assertEquals("pg-backup-" + retriedAt.getEpochSecond(), retry.getSessionName());
        assertEquals(1, retry.getRetryLeft());
        assertEquals("pg-backup-1", retry.getRetryOf());
        assertEquals("retry", retry.getRequestedBy());
        assertEquals("pg", retry.getLabels().get("app"));
        assertEquals(1, planner.listener.count("retried"));

        // the retry came back through stash.sessions and was planned
        List<JobPlanned> plans = planner.plans();
        assertEquals(List.of(retry.getSessionName()), sessionNames(plans));
        assertEquals(1, plans.get(0).getRetry().getRetryLeft());

        // a repeated Failed status of the old session does not retry it again
        planner.status(status(CLUSTER, "pg-backup-1", BC, "pg-backup", "Failed", failedAt, Map.of("pg", "Failed")));
        planner.advance(Duration.ofMinutes(5));
        assertTrue(planner.plannerRequests().isEmpty());
    }

    @Test
    void aSessionWithoutRetriesLeftIsNotRetried() {
        planner.request(backupRequest(CLUSTER, "pg-backup-1", BC, "pg-backup", t(0), 0));
        planner.status(status(CLUSTER, "pg-backup-1", BC, "pg-backup", "Failed", t(5), Map.of("pg", "Failed")));
        planner.advance(Duration.ofMinutes(10));
        assertTrue(planner.plannerRequests().isEmpty());
    }

    @Test
    void anInvalidTimeOutRejectsTheSessionNamingTheField() {
        planner.publish(definitions(CLUSTER, appBinding("pg-slow") + "---\n"
                + backupConfiguration("slow", "pg-slow", "timeOut: 1d")));
        planner.request(backupRequest(CLUSTER, "slow-1", BC, "slow", t(0), 0));

        List<PlanRejected> rejections = planner.rejections();
        assertEquals(1, rejections.size());
        assertEquals("spec.timeOut", rejections.get(0).getFieldPath());
        assertEquals("slow", rejections.get(0).getResourceName());
        assertTrue(rejections.get(0).getReason().contains("unknown unit \"d\""), rejections.get(0).getReason());
    }

    @Test
    void withoutTimeOutThereIsNoDeadline() {
        planner.publish(definitions(CLUSTER, backupConfiguration("open-ended", "pg", "")));
        planner.request(backupRequest(CLUSTER, "open-ended-1", BC, "open-ended", t(0), 0));
        planner.advance(Duration.ofSeconds(2));

        JobPlanned plan = planner.plans().get(0);
        assertNull(plan.getDeadline());
        assertNull(plan.getTimeOut());
        assertEquals(0, plan.getRetry().getMaxRetry());
    }

    @Test
    void plansARestoreSession() {
        planner.request(restoreRequest(CLUSTER, "pg-restore", t(0)));

        List<JobPlanned> plans = planner.plans();
        assertEquals(1, plans.size());
        assertEquals("RestoreSession", plans.get(0).getInvoker().getKind());
        assertEquals("stash-restore-pg-restore-0", plans.get(0).getPod().getName());
        assertNull(plans.get(0).getBackupHistoryLimit());
    }

    @Test
    void sessionsOfClustersThisPlannerDoesNotServeAreLeftAlone() {
        planner.request(backupRequest("other", "pg-backup-1", BC, "pg-backup", t(0), 0));
        planner.advance(Duration.ofSeconds(30));

        assertTrue(planner.plans().isEmpty());
        assertTrue(planner.rejections().isEmpty());
        assertEquals(1, planner.listener.count("ignored:cluster-not-served"));
    }

    @Test
    void aRequestThatCannotBeKeyedGoesToTheRejectedTopic() {
        SessionRequested bad = SessionRequested.newBuilder(backupRequest(CLUSTER, "x", BC, "pg-backup", t(0), 0))
                .setNamespace("")
                .build();
        planner.sessions.pipeInput("c1//x", bad);

        List<Rejected> rejected = planner.rejected.readValuesToList();
        assertEquals(1, rejected.size());
        assertEquals("planner.validate", rejected.get(0).getStage());
        assertTrue(rejected.get(0).getError().contains("namespace is empty"), rejected.get(0).getError());
        assertTrue(planner.plans().isEmpty());
    }

    @Test
    void aBackupRequestNamingARestoreSessionAsInvokerIsRejected() {
        planner.request(backupRequest(CLUSTER, "odd-1", "RestoreSession", "pg-restore", t(0), 0));

        List<PlanRejected> rejections = planner.rejections();
        assertEquals(1, rejections.size());
        assertTrue(rejections.get(0).getReason().contains("BackupConfiguration or BackupBatch"));
    }

    @Test
    void anUnreadableDefinitionRejectsTheSessionsThatNeedIt() {
        planner.definitions.pipeInput(RecordKeys.definition(CLUSTER, "Repository", "demo", "s3-repo"),
                io.stashflow.events.Definition.newBuilder()
                        .setCluster(CLUSTER).setApiVersion("stash.appscode.com/v1alpha1").setKind("Repository")
                        .setNamespace("demo").setName("s3-repo")
                        .setDocument("{\"apiVersion\":\"stash.appscode.com/v1alpha1\",\"kind\":\"Repository\","
                                + "\"metadata\":{\"name\":\"s3-repo\",\"namespace\":\"demo\"},"
                                + "\"spec\":{\"backend\":{\"s3\":{\"bucket\":42}}}}")
                        .setObservedAt(Instant.EPOCH)
                        .build());
        assertEquals(1, planner.view.unreadable());
        planner.request(backupRequest(CLUSTER, "pg-backup-1", BC, "pg-backup", t(0), 0));

        List<PlanRejected> rejections = planner.rejections();
        assertEquals(1, rejections.size());
        assertEquals("Repository", rejections.get(0).getResourceKind());
        assertEquals("s3-repo", rejections.get(0).getResourceName());
        assertTrue(rejections.get(0).getReason().contains("bucket"), rejections.get(0).getReason());
    }

    @Test
    void aSessionEndedByTheReporterWhilePendingIsNotPlannedLater() {
        planner.publish(definitions(CLUSTER, backupConfiguration("pg-hourly", "pg", "")));
        planner.request(backupRequest(CLUSTER, "pg-backup-1", BC, "pg-backup", t(0), 0));
        planner.advance(Duration.ofSeconds(2));
        assertEquals(1, planner.plans().size());
        planner.request(backupRequest(CLUSTER, "pg-hourly-1", BC, "pg-hourly", t(3), 0));

        // the reporter gives up on the waiting session (its deadline passed)
        planner.status(status(CLUSTER, "pg-hourly-1", BC, "pg-hourly", "Failed", t(30), Map.of()));
        planner.status(status(CLUSTER, "pg-backup-1", BC, "pg-backup", "Succeeded", t(31), Map.of("pg", "Succeeded")));
        planner.advance(Duration.ofSeconds(5));

        assertTrue(planner.plans().isEmpty());
    }

    private static List<String> sessionNames(List<JobPlanned> plans) {
        return plans.stream().map(p -> p.getSessionKey().getName()).toList();
    }
}
