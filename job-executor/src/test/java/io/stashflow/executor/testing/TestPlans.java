package io.stashflow.executor.testing;

import io.stashflow.events.ContainerSpec;
import io.stashflow.events.EnvVarSpec;
import io.stashflow.events.InvokerRef;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.OwnerRef;
import io.stashflow.events.PlanTarget;
import io.stashflow.events.PodPlan;
import io.stashflow.events.PodSettings;
import io.stashflow.events.RetryPolicy;
import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionKind;
import io.stashflow.events.StepInfo;
import io.stashflow.events.StepRole;
import io.stashflow.events.TargetRef;
import io.stashflow.events.VolumeMountSpec;
import io.stashflow.events.VolumeSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans for tests whose steps are tiny shell scripts driven by environment variables, so the same plan means the same
 * thing to the local runtime (which runs the script) and to the fake kubelet (which reads the variables):
 * {@code STEP_SLEEP} seconds, then {@code STEP_OUTPUT} into {@code <output dir>/output.json}, {@code STEP_MESSAGE} into
 * the termination message file, and exit {@code STEP_EXIT}.
 */
public final class TestPlans {

    public static final String SCRIPT = String.join("\n",
            "sleep \"${STEP_SLEEP:-0}\"",
            "if [ -n \"$STEP_OUTPUT\" ]; then mkdir -p \"$2\"; printf '%s' \"$STEP_OUTPUT\" > \"$2/output.json\"; fi",
            "if [ -n \"$STEP_MESSAGE\" ]; then printf '%s' \"$STEP_MESSAGE\" > \"$1\"; fi",
            "echo \"step $STEP_NAME finished with $STEP_EXIT\"",
            "exit \"${STEP_EXIT:-0}\"");

    public static final String CLUSTER = "test-cluster";
    public static final String NAMESPACE = "demo";

    public static final String OUTPUT_JSON = "{\"targetStatus\":{\"ref\":{\"apiVersion\":\"appcatalog.appscode.com/v1alpha1\","
            + "\"kind\":\"AppBinding\",\"name\":\"pg\"},\"stats\":[{\"hostname\":\"host-0\",\"phase\":\"Succeeded\","
            + "\"duration\":\"1.2s\",\"snapshots\":[{\"name\":\"a1b2c3\",\"path\":\"/db\",\"totalSize\":\"1.0 MiB\","
            + "\"uploaded\":\"10 KiB\",\"processingTime\":\"0:01\",\"fileStats\":{\"totalFiles\":3,\"newFiles\":1,"
            + "\"modifiedFiles\":0,\"unmodifiedFiles\":2}}]}]}}";

    public static final String UPDATE_STATUS_RESULT = "{\"hostStats\":[{\"hostname\":\"host-0\",\"phase\":\"Succeeded\"}],"
            + "\"repository\":{\"actions\":[{\"name\":\"ApplyRetentionPolicy\",\"succeeded\":true},"
            + "{\"name\":\"VerifyRepositoryIntegrity\",\"succeeded\":true}],\"integrity\":true,\"totalSize\":\"2 MiB\","
            + "\"snapshotCount\":4,\"snapshotsRemoved\":1}}";

    private TestPlans() {
    }

    /** One step of a test plan. */
    public record Step(String function, StepRole role, int exit, String message, double sleepSeconds, String output) {

        public static Step ok(String function) {
            return new Step(function, StepRole.STEP, 0, null, 0.05, null);
        }

        public Step exit(int code) {
            return new Step(function, role, code, message, sleepSeconds, output);
        }

        public Step message(String text) {
            return new Step(function, role, exit, text, sleepSeconds, output);
        }

        public Step sleep(double seconds) {
            return new Step(function, role, exit, message, seconds, output);
        }

        public Step output(String json) {
            return new Step(function, role, exit, message, sleepSeconds, json);
        }

        public Step role(StepRole r) {
            return new Step(function, r, exit, message, sleepSeconds, output);
        }
    }

    /** A plan builder with sensible defaults. */
    public static final class Builder {
        private String session;
        private int targetIndex;
        private String invoker = "sample-backup";
        private final List<Step> steps = new ArrayList<>();
        private Instant deadline;
        private Integer historyLimit;
        private String repository = NAMESPACE + "/repo";
        private String cluster = CLUSTER;
        private boolean owner;

        Builder(String session) {
            this.session = session;
        }

        public Builder step(Step step) {
            steps.add(step);
            return this;
        }

        public Builder deadline(Instant d) {
            deadline = d;
            return this;
        }

        public Builder historyLimit(Integer limit) {
            historyLimit = limit;
            return this;
        }

        public Builder invoker(String name) {
            invoker = name;
            return this;
        }

        public Builder repository(String name) {
            repository = name;
            return this;
        }

        public Builder cluster(String c) {
            cluster = c;
            return this;
        }

        public Builder targetIndex(int i) {
            targetIndex = i;
            return this;
        }

        /** With an owner reference to the BackupSession (no uid: the agent looks it up). */
        public Builder ownedBySession() {
            owner = true;
            return this;
        }

        public JobPlanned build() {
            List<ContainerSpec> containers = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                containers.add(container(steps.get(i), i, session));
            }
            String podName = "stash-backup-" + session.replace('.', '-') + "-" + targetIndex;
            PodPlan pod = PodPlan.newBuilder()
                    .setName(podName)
                    .setNamespace(NAMESPACE)
                    .setLabels(new LinkedHashMap<>(Map.of("stash.appscode.com/invoker-name", invoker)))
                    .setOwnerReferences(owner ? List.of(OwnerRef.newBuilder().setApiVersion("stash.appscode.com/v1beta1")
                            .setKind("BackupSession").setName(session).setController(true).build()) : List.of())
                    .setInitContainers(containers.subList(0, containers.size() - 1))
                    .setContainer(containers.get(containers.size() - 1))
                    .setVolumes(List.of(VolumeSpec.newBuilder().setName("stash-tmp-dir").setSourceJson("{\"emptyDir\":{}}")
                            .build()))
                    .setSettings(PodSettings.newBuilder().setSecurityContextJson("{\"runAsUser\":65535}").build())
                    .build();
            return JobPlanned.newBuilder()
                    .setPlanId(cluster + "/" + NAMESPACE + "/" + session + "/" + targetIndex)
                    .setSessionKey(SessionKey.newBuilder().setCluster(cluster).setNamespace(NAMESPACE).setName(session)
                            .setKind(SessionKind.BACKUP).build())
                    .setInvoker(InvokerRef.newBuilder().setApiGroup("stash.appscode.com").setKind("BackupConfiguration")
                            .setName(invoker).build())
                    .setTarget(PlanTarget.newBuilder().setRef(TargetRef.newBuilder().setApiVersion(
                            "appcatalog.appscode.com/v1alpha1").setKind("AppBinding").setName("pg").setNamespace(NAMESPACE)
                            .build()).setIndex(targetIndex).setTotalTargets(1).build())
                    .setRepositoryName(repository)
                    .setPod(pod)
                    .setDeadline(deadline)
                    .setRetry(RetryPolicy.newBuilder().build())
                    .setBackupHistoryLimit(historyLimit)
                    .setPlannedAt(Instant.now())
                    .build();
        }
    }

    public static Builder plan(String session) {
        return new Builder(session);
    }

    /** The marker in the step process's arguments, to find it among the JVM's children. */
    public static String marker(String session, int index) {
        return "step-" + session + "-" + index;
    }

    private static ContainerSpec container(Step step, int index, String session) {
        List<EnvVarSpec> env = new ArrayList<>();
        env.add(env("STEP_NAME", step.function() + "-" + index));
        env.add(env("STEP_EXIT", Integer.toString(step.exit())));
        env.add(env("STEP_SLEEP", Double.toString(step.sleepSeconds())));
        if (step.message() != null) {
            env.add(env("STEP_MESSAGE", step.message()));
        }
        if (step.output() != null) {
            env.add(env("STEP_OUTPUT", step.output()));
        }
        return ContainerSpec.newBuilder()
                .setName(step.function() + "-" + index)
                .setImage("busybox:1.36")
                .setCommand(List.of("/bin/sh", "-c", SCRIPT, marker(session, index), "/dev/termination-log",
                        "/stash-tmp/output"))
                .setEnv(env)
                .setVolumeMounts(List.of(VolumeMountSpec.newBuilder().setName("stash-tmp-dir").setMountPath("/stash-tmp")
                        .build()))
                .setStep(StepInfo.newBuilder().setIndex(index).setFunctionName(step.function()).setRole(step.role())
                        .setFulfilledByReporter(step.role() == StepRole.UPDATE_STATUS).build())
                .build();
    }

    private static EnvVarSpec env(String name, String value) {
        return EnvVarSpec.newBuilder().setName(name).setValue(value).build();
    }
}
