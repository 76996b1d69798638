package io.stashflow.planner.resolver;

import static io.stashflow.planner.resolver.ResolverTestSupport.container;
import static io.stashflow.planner.resolver.ResolverTestSupport.flag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.stashflow.api.model.ParsedResource;
import io.stashflow.planner.resolver.ResolutionException.Reason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Resolution rules that the catalog golden files do not isolate: precedence, hooks, layout and every error. */
class StashResolverTest {

    /** A Repository, a "probe" Function that echoes variables, a two-step Task, a BackupConfiguration and session. */
    static final String BASE = """
            apiVersion: stash.appscode.com/v1alpha1
            kind: Repository
            metadata: {name: repo, namespace: ns}
            spec:
              backend:
                s3: {endpoint: "http://minio:9000", bucket: b, prefix: p}
                storageSecretName: creds
            ---
            apiVersion: stash.appscode.com/v1beta1
            kind: Function
            metadata: {name: probe}
            spec:
              image: example/probe:1
              args:
              - probe
              - --ns=${NAMESPACE}
              - --step=${stepParam:=unset}
              - --out=${outputDir:=}
              - --addon-image=${ADDON_IMAGE}
              - --msg=${message:=}
              - --host=${HOSTNAME}
            ---
            apiVersion: stash.appscode.com/v1beta1
            kind: Task
            metadata: {name: probe-task}
            spec:
              steps:
              - name: probe
                params:
                - {name: stepParam, value: from-step}
                - {name: outputDir, value: /stash-tmp/a}
              - name: update-status
                params:
                - {name: outputDir, value: /stash-tmp/b}
            ---
            apiVersion: stash.appscode.com/v1beta1
            kind: BackupConfiguration
            metadata: {name: bc, namespace: ns}
            spec:
              task: {name: probe-task}
              repository: {name: repo}
              target:
                ref: {apiVersion: v1, kind: PersistentVolumeClaim, name: data}
            ---
            apiVersion: stash.appscode.com/v1beta1
            kind: BackupSession
            metadata: {name: s-1, namespace: ns}
            spec:
              invoker: {apiGroup: stash.appscode.com, kind: BackupConfiguration, name: bc}
            ---
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata: {name: r-1, namespace: ns}
            spec:
              task: {name: probe-task}
              repository: {name: repo}
              target:
                ref: {apiVersion: v1, kind: PersistentVolumeClaim, name: data}
            """;

    private static List<ParsedResource> definitions(String... documents) {
        List<ParsedResource> all = new ArrayList<>(ResolverTestSupport.readYaml(BASE));
        for (String document : documents) {
            all.addAll(ResolverTestSupport.readYaml(document));
        }
        return all;
    }

    /** Resolves BackupSession ns/s-1 over BASE plus the given documents (later documents replace earlier ones). */
    static ResolvedPlan backup(String... documents) throws ResolutionException {
        List<ResolvedPlan> plans = ResolverTestSupport.resolver(definitions(documents)).resolveBackupSession("ns", "s-1");
        assertEquals(1, plans.size());
        return plans.get(0);
    }

    static ResolvedPlan restore(String... documents) throws ResolutionException {
        return ResolverTestSupport.resolver(definitions(documents)).resolveRestoreSession("ns", "r-1");
    }

    static ResolutionException backupFails(String... documents) {
        return assertThrows(ResolutionException.class, () -> backup(documents));
    }

    private static Container probe(ResolvedPlan plan) {
        return container(plan.pod(), "probe-0");
    }

    /**
     * BackupConfiguration ns/bc: {@code specExtra} (YAML of spec fields) plus the default task, repository and target
     * for each of those keys {@code specExtra} does not set itself.
     */
    private static String bcWith(String specExtra) {
        java.util.Map<String, String> defaults = new java.util.LinkedHashMap<>();
        defaults.put("task", "task: {name: probe-task}");
        defaults.put("repository", "repository: {name: repo}");
        defaults.put("target", "target: {ref: {apiVersion: v1, kind: PersistentVolumeClaim, name: data}}");
        StringBuilder spec = new StringBuilder(specExtra.strip()).append('\n');
        defaults.forEach((key, line) -> {
            if (!java.util.regex.Pattern.compile("(?m)^" + key + ":").matcher(specExtra).find()) {
                spec.append(line).append('\n');
            }
        });
        return """
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupConfiguration
                metadata: {name: bc, namespace: ns}
                spec:
                """ + spec.toString().indent(2);
    }

    @Nested
    class Precedence {

        @Test
        void stepParamsAreTheFallback() throws Exception {
            ResolvedPlan plan = backup();
            assertEquals("from-step", flag(probe(plan), "--step"));
            assertEquals("/stash-tmp/a", flag(probe(plan), "--out"));
        }

        @Test
        void builtInsBeatStepParams() throws Exception {
            ResolvedPlan plan = backup("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Task
                    metadata: {name: probe-task}
                    spec:
                      steps:
                      - name: probe
                        params: [{name: NAMESPACE, value: from-step}]
                    """);
            assertEquals("ns", flag(probe(plan), "--ns"));
        }

        @Test
        void invokerTaskParamsBeatBuiltInsAndStepParams() throws Exception {
            ResolvedPlan plan = backup(bcWith("""
                    task:
                      name: probe-task
                      params:
                      - {name: NAMESPACE, value: from-invoker}
                      - {name: stepParam, value: from-invoker}
                    """));
            assertEquals("from-invoker", flag(probe(plan), "--ns"));
            assertEquals("from-invoker", flag(probe(plan), "--step"));
        }

        @Test
        void addonImageBeatsEverything() throws Exception {
            ResolvedPlan plan = backup(bcWith("""
                    task:
                      name: probe-task
                      params: [{name: ADDON_IMAGE, value: from-invoker}]
                    """));
            assertEquals("example/probe:1", flag(probe(plan), "--addon-image"));
        }

        @Test
        void stepParamsAreVisibleOnlyToTheirStep() {
            ResolutionException e = backupFails("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Function
                    metadata: {name: second}
                    spec:
                      image: example/second:1
                      args: ["--from-first=${stepParam}"]
                    ---
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Task
                    metadata: {name: probe-task}
                    spec:
                      steps:
                      - name: probe
                        params: [{name: stepParam, value: first}]
                      - name: second
                    """);
            assertEquals("second", e.resourceName());
            assertEquals("stepParam", e.variable());
        }

        @Test
        void backupHostnameIsTheAliasOrHost0() throws Exception {
            assertEquals("host-0", flag(probe(backup()), "--host"));
            ResolvedPlan aliased = backup(bcWith("target: {alias: db-primary, ref: {apiVersion: v1, kind: PersistentVolumeClaim, name: data}}"));
            assertEquals("db-primary", flag(probe(aliased), "--host"));
        }

        @Test
        void targetNamespaceDefaultsToTheInvokerNamespace() throws Exception {
            ResolvedPlan plan = backup("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Function
                    metadata: {name: probe}
                    spec:
                      image: example/probe:1
                      args: ["--target=${TARGET_KIND}/${TARGET_NAMESPACE}/${TARGET_NAME}", "--paths=${TARGET_PATHS}",
                             "--mount=${TARGET_MOUNT_PATH}"]
                    """);
            assertEquals("PersistentVolumeClaim/ns/data", flag(probe(plan), "--target"));
            assertEquals("/stash-data", flag(probe(plan), "--paths"));
            assertEquals("/stash-data", flag(probe(plan), "--mount"));
        }
    }

    @Nested
    class Substitution {

        @Test
        void quotesAndBackslashesInAParamAreInsertedVerbatim() throws Exception {
            String message = "it's \"quoted\", a \\ backslash, a \\n and a }";
            ResolvedPlan plan = backup(bcWith("""
                    task:
                      name: probe-task
                      params:
                      - name: message
                        value: '%s'
                    """.formatted(message.replace("'", "''"))));
            assertEquals(message, flag(probe(plan), "--msg"));
        }

        @Test
        void placeholdersInMetadataAreLeftAlone() throws Exception {
            ResolvedPlan plan = backup("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Function
                    metadata:
                      name: probe
                      annotations: {kubectl.kubernetes.io/last-applied-configuration: '{"args":["${NOT_A_VARIABLE}"]}'}
                    spec:
                      image: example/probe:1
                      args: [probe]
                    ---
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Task
                    metadata:
                      name: probe-task
                      labels: {owner: "${ALSO_NOT_A_VARIABLE}"}
                    spec:
                      steps: [{name: probe}]
                    """);
            assertEquals(List.of("probe"), probe(plan).getArgs());
        }

        @Test
        void taskVolumesAreSubstitutedWithTheGlobals() throws Exception {
            ResolvedPlan plan = backup("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Task
                    metadata: {name: probe-task}
                    spec:
                      steps: [{name: probe, params: [{name: outputDir, value: /o}]}]
                      volumes:
                      - name: target
                        persistentVolumeClaim: {claimName: "${TARGET_NAME}"}
                    """);
            Volume volume = plan.pod().getSpec().getVolumes().get(0);
            assertEquals("target", volume.getName());
            assertEquals("data", volume.getPersistentVolumeClaim().getClaimName());
        }
    }

    @Nested
    class Layout {

        @Test
        void stepsInOrderAllButTheLastAsInitContainers() throws Exception {
            ResolvedPlan plan = backup();
            Pod pod = plan.pod();
            assertEquals(List.of("probe-0"), pod.getSpec().getInitContainers().stream().map(Container::getName).toList());
            assertEquals(List.of("update-status-1"), pod.getSpec().getContainers().stream().map(Container::getName).toList());
            assertEquals("IfNotPresent", probe(plan).getImagePullPolicy());
            assertEquals("Never", pod.getSpec().getRestartPolicy());
            assertEquals(List.of(new PlannedContainer("probe-0", 0, 0, "probe", null, false, true),
                    new PlannedContainer("update-status-1", 1, 1, "update-status", null, true, false)), plan.containers());
        }

        @Test
        void aFunctionMountAtStashTmpIsReplacedByTheTempVolume() throws Exception {
            ResolvedPlan plan = backup("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Function
                    metadata: {name: probe}
                    spec:
                      image: example/probe:1
                      volumeMounts:
                      - {name: mine, mountPath: /stash-tmp}
                      - {name: data, mountPath: /data}
                    """);
            assertEquals(List.of("stash-tmp-dir:/stash-tmp", "data:/data"), probe(plan).getVolumeMounts().stream()
                    .map(m -> m.getName() + ":" + m.getMountPath()).toList());
        }

        @Test
        void tempDirSettingsShapeTheEmptyDir() throws Exception {
            ResolvedPlan plan = backup(bcWith("tempDir: {medium: Memory, sizeLimit: 256Mi, disableCaching: true}"));
            Volume tmp = plan.pod().getSpec().getVolumes().stream().filter(v -> v.getName().equals("stash-tmp-dir"))
                    .findFirst().orElseThrow();
            assertEquals("Memory", tmp.getEmptyDir().getMedium());
            assertEquals("256Mi", tmp.getEmptyDir().getSizeLimit().toString());
            assertEquals("false", flag(container(plan.pod(), "update-status-1"), "--enable-cache"));
        }

        @Test
        void podSecurityPolicyNamesAreCollected() throws Exception {
            ResolvedPlan plan = backup("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Function
                    metadata: {name: probe}
                    spec: {image: example/probe:1, podSecurityPolicyName: "psp-${NAMESPACE}"}
                    """);
            assertEquals(List.of("psp-ns"), plan.podSecurityPolicyNames());
        }

        @Test
        void labelsOwnerAndNames() throws Exception {
            ResolvedPlan plan = backup("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: BackupSession
                    metadata: {name: s-1, namespace: ns, uid: 1234-abcd}
                    spec:
                      invoker: {apiGroup: stash.appscode.com, kind: BackupConfiguration, name: bc}
                    """, bcWith("runtimeSettings: {pod: {podLabels: {team: a, app.kubernetes.io/component: mine}}}")
                    .replace("metadata: {name: bc, namespace: ns}", "metadata: {name: bc, namespace: ns, labels: {team: b, env: prod}}"));
            var meta = plan.pod().getMetadata();
            assertEquals("stash-backup-s-1-0", meta.getName());
            assertEquals("ns", meta.getNamespace());
            assertEquals("a", meta.getLabels().get("team"), "podLabels beat the invoker's labels");
            assertEquals("prod", meta.getLabels().get("env"));
            assertEquals("stash-backup", meta.getLabels().get("app.kubernetes.io/component"), "Stash's labels always win");
            assertEquals("1234-abcd", meta.getOwnerReferences().get(0).getUid());
        }

        @Test
        void longSessionNamesGiveAValidPodName() throws Exception {
            String session = "nightly-backup-of-the-accounting-database-in-the-eu-west-region-1700000000";
            ResolvedPlan plan = ResolverTestSupport.resolver(definitions("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: BackupSession
                    metadata: {name: %s, namespace: ns}
                    spec:
                      invoker: {apiGroup: stash.appscode.com, kind: BackupConfiguration, name: bc}
                    """.formatted(session))).resolveBackupSession("ns", session).get(0);
            String name = plan.podName();
            assertTrue(name.length() <= 63, name);
            assertTrue(ResourceNames.isDns1123Label(name), name);
            assertTrue(name.startsWith("stash-backup-nightly-backup-of-the-accounting"), name);
            assertTrue(name.endsWith("-0"), name);
            assertEquals(session, flag(container(plan.pod(), "update-status-1"), "--backupsession"),
                    "only the pod name is shortened");
        }

        @Test
        void localBackendVolumeIsMountedInEveryContainer() throws Exception {
            ResolvedPlan plan = backup("""
                    apiVersion: stash.appscode.com/v1alpha1
                    kind: Repository
                    metadata: {name: repo, namespace: ns}
                    spec:
                      backend:
                        local:
                          mountPath: /safe/data
                          subPath: backups
                          persistentVolumeClaim: {claimName: repo-pvc}
                    """);
            Volume local = plan.pod().getSpec().getVolumes().stream().filter(v -> v.getName().equals("stash-local"))
                    .findFirst().orElseThrow();
            assertEquals("repo-pvc", local.getPersistentVolumeClaim().getClaimName());
            for (Container c : ResolverTestSupport.allContainers(plan.pod())) {
                assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("stash-local")
                        && m.getMountPath().equals("/safe/data") && "backups".equals(m.getSubPath())), c.getName());
            }
            assertEquals("--bucket=/safe/data", container(plan.pod(), "update-status-1").getArgs().get(2));
        }
    }

    @Nested
    class SecurityContexts {

        @Test
        void backupDefaultsToUser65535() throws Exception {
            var sc = backup().pod().getSpec().getSecurityContext();
            assertEquals(65535L, sc.getRunAsUser());
            assertNull(sc.getRunAsGroup());
        }

        @Test
        void aUserPodSecurityContextReplacesTheBackupDefault() throws Exception {
            var sc = backup(bcWith("runtimeSettings: {pod: {securityContext: {fsGroup: 2000}}}")).pod().getSpec()
                    .getSecurityContext();
            assertEquals(2000L, sc.getFsGroup());
            assertNull(sc.getRunAsUser(), "replaced as a whole, like Stash");
        }

        @Test
        void restoreDefaultsToRoot() throws Exception {
            var sc = restore().pod().getSpec().getSecurityContext();
            assertEquals(0L, sc.getRunAsUser());
            assertEquals(0L, sc.getRunAsGroup());
        }

        @Test
        void restoreRootDefaultIsUpsertedUnderTheUsersValues() throws Exception {
            var sc = restore("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: RestoreSession
                    metadata: {name: r-1, namespace: ns}
                    spec:
                      task: {name: probe-task}
                      repository: {name: repo}
                      target: {ref: {apiVersion: v1, kind: PersistentVolumeClaim, name: data}}
                      runtimeSettings: {pod: {securityContext: {runAsUser: 1000, fsGroup: 3000}}}
                    """).pod().getSpec().getSecurityContext();
            assertEquals(1000L, sc.getRunAsUser());
            assertEquals(0L, sc.getRunAsGroup());
            assertEquals(3000L, sc.getFsGroup());
        }
    }

    @Nested
    class Hooks {

        private static final String HOOKED = """
                hooks:
                  preBackup:
                    exec: {command: [/bin/true]}
                  postBackup:
                    exec: {command: [/bin/true]}
                    executionPolicy: OnFailure
                runtimeSettings:
                  container:
                    env: [{name: TZ, value: UTC}]
                """;

        @Test
        void preHookFirstPostHookLastWithTheirHookType() throws Exception {
            ResolvedPlan plan = backup(bcWith(HOOKED));
            assertEquals(List.of("pre-task-hook", "probe-0", "update-status-1", "post-task-hook"),
                    plan.containers().stream().map(PlannedContainer::containerName).toList());
            Pod pod = plan.pod();
            assertEquals("post-task-hook", pod.getSpec().getContainers().get(0).getName());
            assertEquals("preBackup", flag(container(pod, "pre-task-hook"), "--hook-type"));
            assertEquals("postBackup", flag(container(pod, "post-task-hook"), "--hook-type"));
            assertEquals("preBackup", plan.containers().get(0).hookType());
            assertTrue(plan.containers().get(0).hook());
            assertNull(plan.containers().get(0).stepIndex());
        }

        @Test
        void hooksSeeTheUnionOfStepParamsLaterStepsWinning() throws Exception {
            Pod pod = backup(bcWith(HOOKED)).pod();
            assertEquals("/stash-tmp/b", flag(container(pod, "pre-task-hook"), "--output-dir"));
        }

        @Test
        void invokerParamsBeatStepParamsAndHookTypeInHooks() throws Exception {
            Pod pod = backup(bcWith(HOOKED + """
                    task:
                      name: probe-task
                      params: [{name: outputDir, value: /mine}, {name: HOOK_TYPE, value: custom}]
                    """)).pod();
            assertEquals("/mine", flag(container(pod, "pre-task-hook"), "--output-dir"));
            assertEquals("custom", flag(container(pod, "pre-task-hook"), "--hook-type"));
        }

        @Test
        void hookContainersRunStashflowWithSiblingMountsPodNameAndRuntimeSettings() throws Exception {
            Pod pod = backup(bcWith(HOOKED), """
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Function
                    metadata: {name: probe}
                    spec:
                      image: example/probe:1
                      volumeMounts: [{name: data, mountPath: /data}]
                    """).pod();
            Container pre = container(pod, "pre-task-hook");
            assertEquals("ghcr.io/stashflow/stashflow:test", pre.getImage());
            assertEquals("run-hook", pre.getArgs().get(0));
            assertEquals(List.of("run-hook", "--backupsession=s-1", "--invoker-kind=BackupConfiguration",
                    "--invoker-name=bc", "--target-kind=PersistentVolumeClaim", "--target-namespace=ns",
                    "--target-name=data", "--hook-type=preBackup", "--hostname=host-0", "--namespace=ns",
                    "--restoresession=", "--output-dir=/stash-tmp/b",
                    "--metrics-enabled=true", "--metrics-pushgateway-url=http://pushgateway.test:9091",
                    "--hook-json={\"exec\":{\"command\":[\"/bin/true\"]}}", "--retry-left=0"), pre.getArgs());
            assertEquals("{\"exec\":{\"command\":[\"/bin/true\"]},\"executionPolicy\":\"OnFailure\"}",
                    flag(container(pod, "post-task-hook"), "--hook-json"), "post hooks carry their execution policy");
            assertEquals(List.of("data:/data", "stash-tmp-dir:/stash-tmp"), pre.getVolumeMounts().stream()
                    .map(m -> m.getName() + ":" + m.getMountPath()).toList());
            assertEquals("POD_NAME", pre.getEnv().get(0).getName());
            assertEquals("TZ", pre.getEnv().get(1).getName(), "invoker container settings apply to hooks too");
        }

        @Test
        void aPostHookWithOnlyAnExecutionPolicyAddsNoContainer() throws Exception {
            ResolvedPlan plan = backup(bcWith("hooks: {postBackup: {executionPolicy: Always}}"));
            assertEquals(2, plan.containers().size());
        }

        @Test
        void restoreHooksUseTheRestoreHookTypes() throws Exception {
            ResolvedPlan plan = restore("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: RestoreSession
                    metadata: {name: r-1, namespace: ns}
                    spec:
                      task: {name: probe-task}
                      repository: {name: repo}
                      target: {ref: {apiVersion: v1, kind: PersistentVolumeClaim, name: data}}
                      hooks:
                        preRestore: {exec: {command: [/bin/true]}}
                        postRestore: {httpGet: {port: 80, path: /}}
                    """);
            assertEquals("preRestore", flag(container(plan.pod(), "pre-task-hook"), "--hook-type"));
            assertEquals("postRestore", flag(container(plan.pod(), "post-task-hook"), "--hook-type"));
            assertEquals("", flag(container(plan.pod(), "pre-task-hook"), "--backupsession"));
            assertEquals("RestoreSession", flag(container(plan.pod(), "pre-task-hook"), "--invoker-kind"));
            assertEquals("{\"httpGet\":{\"path\":\"/\",\"port\":80}}",
                    flag(container(plan.pod(), "post-task-hook"), "--hook-json"));
        }
    }

    @Nested
    class Restore {

        @Test
        void restoreVariables() throws Exception {
            ResolvedPlan plan = restore("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Function
                    metadata: {name: probe}
                    spec:
                      image: example/probe:1
                      args: ["--session=${RESTORE_SESSION}", "--host=${HOSTNAME}", "--source=${SOURCE_HOSTNAME}",
                             "--paths=${RESTORE_PATHS}", "--snapshots=${RESTORE_SNAPSHOTS}", "--include=${INCLUDE_PATTERNS}",
                             "--exclude=${EXCLUDE_PATTERNS}", "--replicas=${TARGET_APP_REPLICAS}",
                             "--backup-session=${BACKUP_SESSION:=none}", "--args=${DRIVER_ARGS}"]
                    ---
                    apiVersion: stash.appscode.com/v1beta1
                    kind: RestoreSession
                    metadata: {name: r-1, namespace: ns}
                    spec:
                      task: {name: probe-task}
                      repository: {name: repo}
                      target:
                        alias: node-b
                        ref: {apiVersion: v1, kind: PersistentVolumeClaim, name: data}
                        args: [--verbose, --no-lock]
                        rules:
                        - {targetHosts: [node-a], snapshots: [wrong]}
                        - {sourceHost: node-a, paths: [/x, /y], include: ["*.sql"], exclude: ["*.tmp", "*.log"]}
                    """);
            Container probe = probe(plan);
            assertEquals("r-1", flag(probe, "--session"));
            assertEquals("node-b", flag(probe, "--host"));
            assertEquals("node-a", flag(probe, "--source"));
            assertEquals("/x,/y", flag(probe, "--paths"));
            assertEquals("", flag(probe, "--snapshots"));
            assertEquals("*.sql", flag(probe, "--include"));
            assertEquals("*.tmp,*.log", flag(probe, "--exclude"));
            assertEquals("1", flag(probe, "--replicas"));
            assertEquals("none", flag(probe, "--backup-session"), "no BACKUP_SESSION in a restore");
            assertEquals("--verbose --no-lock", flag(probe, "--args"));
            assertEquals("stash-restore-r-1-0", plan.podName());
            assertNull(plan.retryConfig());
        }

        @Test
        void deprecatedSpecRulesAreUsedWhenTheTargetHasNone() throws Exception {
            ResolvedPlan plan = restore("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Function
                    metadata: {name: probe}
                    spec: {image: example/probe:1, args: ["--snapshots=${RESTORE_SNAPSHOTS}"]}
                    ---
                    apiVersion: stash.appscode.com/v1beta1
                    kind: RestoreSession
                    metadata: {name: r-1, namespace: ns}
                    spec:
                      task: {name: probe-task}
                      repository: {name: repo}
                      target: {ref: {apiVersion: v1, kind: PersistentVolumeClaim, name: data}}
                      rules: [{snapshots: [s1, s2]}]
                    """);
            assertEquals("s1,s2", flag(probe(plan), "--snapshots"));
        }

        @Test
        void restoreRuleMatching() {
            var rules = ResolverTestSupport.readYaml("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: RestoreSession
                    metadata: {name: r, namespace: ns}
                    spec:
                      rules:
                      - {snapshots: [any-1]}
                      - {targetHosts: [h1], snapshots: [h1-only], sourceHost: src}
                      - {snapshots: [any-2]}
                    """).get(0).as(io.stashflow.api.model.RestoreSession.class).spec().rules();
            var specific = StashResolver.restoreOptionsForHost("h1", rules);
            assertEquals(List.of("h1-only"), specific.snapshots());
            assertEquals("src", specific.sourceHost());
            var catchAll = StashResolver.restoreOptionsForHost("h2", rules);
            assertEquals(List.of("any-2"), catchAll.snapshots(), "the last rule without targetHosts");
            assertEquals("h2", catchAll.sourceHost(), "without sourceHost the host itself");
            assertEquals("", StashResolver.restoreOptionsForHost("h1", List.of()).host(), "no rule, no host");
        }
    }

    @Nested
    class InterimVolume {

        @Test
        void theClaimIsPlannedAndMountedEverywhere() throws Exception {
            ResolvedPlan plan = backup(bcWith("""
                    interimVolumeTemplate:
                      metadata: {name: scratch}
                      spec:
                        accessModes: [ReadWriteOnce]
                        resources: {requests: {storage: 1Gi}}
                    hooks: {preBackup: {exec: {command: [/bin/true]}}}
                    """), """
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Function
                    metadata: {name: probe}
                    spec: {image: example/probe:1, args: ["--interim=${INTERIM_DATA_DIR}"]}
                    """);
            var claim = plan.interimVolumeClaim().orElseThrow();
            assertEquals("s-1-scratch", claim.getMetadata().getName());
            assertEquals("ns", claim.getMetadata().getNamespace());
            assertEquals("s-1", claim.getMetadata().getOwnerReferences().get(0).getName());
            assertEquals("1Gi", claim.getSpec().getResources().getRequests().get("storage").toString());
            assertEquals("/stash-interim-volume/data", flag(probe(plan), "--interim"));
            for (Container c : ResolverTestSupport.allContainers(plan.pod())) {
                assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("stash-interim-volume")
                        && m.getMountPath().equals("/stash-interim-volume")), c.getName());
            }
        }

        @Test
        void withoutTemplateTheInterimDirIsUnderTheTempDir() throws Exception {
            ResolvedPlan plan = backup("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Function
                    metadata: {name: probe}
                    spec: {image: example/probe:1, args: ["--interim=${INTERIM_DATA_DIR}"]}
                    """);
            assertTrue(plan.interimVolumeClaim().isEmpty());
            assertEquals("/stash-tmp/stash-interim-volume/data", flag(probe(plan), "--interim"));
            assertFalse(plan.pod().getSpec().getVolumes().stream().anyMatch(v -> v.getName().equals("stash-interim-volume")));
        }

        @Test
        void aTemplateWithoutNameIsRejected() {
            ResolutionException e = backupFails(bcWith("interimVolumeTemplate: {spec: {accessModes: [ReadWriteOnce]}}"));
            assertEquals(Reason.INVALID_INPUT, e.reason());
            assertEquals("spec.interimVolumeTemplate.metadata.name", e.fieldPath());
        }
    }

    @Nested
    class BuiltIns {

        @Test
        void aRepositoryWithoutStorageSecretDropsTheEnvFromOfTheBuiltIns() throws Exception {
            ResolvedPlan plan = backup("""
                    apiVersion: stash.appscode.com/v1alpha1
                    kind: Repository
                    metadata: {name: repo, namespace: ns}
                    spec:
                      backend:
                        rest: {url: "http://rest-server:8000/repo"}
                    """);
            Container updateStatus = container(plan.pod(), "update-status-1");
            assertTrue(updateStatus.getEnvFrom() == null || updateStatus.getEnvFrom().isEmpty(), "" + updateStatus.getEnvFrom());
            assertEquals("", flag(updateStatus, "--storage-secret-name"));
            assertEquals("http://rest-server:8000/repo", flag(updateStatus, "--endpoint"));
        }

        @Test
        void pvcBackupTaskMountsTheTargetClaim() throws Exception {
            ResolvedPlan plan = backup(bcWith("""
                    task: {name: pvc-backup}
                    target:
                      ref: {apiVersion: v1, kind: PersistentVolumeClaim, name: data}
                      paths: [/data/db, /data/conf]
                      exclude: ["*.lock"]
                      volumeMounts: [{name: data, mountPath: /data}]
                    """));
            Pod pod = plan.pod();
            Container pvcBackup = container(pod, "pvc-backup-0");
            assertEquals("ghcr.io/stashflow/stashflow:test", pvcBackup.getImage());
            assertEquals("backup-pvc", pvcBackup.getArgs().get(0));
            assertEquals("/data/db,/data/conf", flag(pvcBackup, "--paths"));
            assertEquals("*.lock", flag(pvcBackup, "--exclude"));
            assertEquals("creds", pvcBackup.getEnvFrom().get(0).getSecretRef().getName());
            assertTrue(pvcBackup.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("stash-volume")
                    && m.getMountPath().equals("/data")));
            Volume volume = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals("stash-volume")).findFirst().orElseThrow();
            assertEquals("data", volume.getPersistentVolumeClaim().getClaimName());
            assertEquals("update-status-1", pod.getSpec().getContainers().get(0).getName());
        }

        @Test
        void pvcRestoreTaskTellsRestorePvcWhereItMountsTheTargetClaim() throws Exception {
            String session = """
                    apiVersion: stash.appscode.com/v1beta1
                    kind: RestoreSession
                    metadata: {name: r-1, namespace: ns}
                    spec:
                      task: {name: pvc-restore}
                      repository: {name: repo}
                      target:
                        ref: {apiVersion: v1, kind: PersistentVolumeClaim, name: restored}
                    """;
            Container byDefault = container(restore(session).pod(), "pvc-restore-0");
            assertEquals("restore-pvc", byDefault.getArgs().get(0));
            assertEquals("/stash-data", flag(byDefault, "--target-mount-path"));
            assertTrue(byDefault.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("stash-volume")
                    && m.getMountPath().equals("/stash-data")));

            Pod pod = restore(session + """
                        volumeMounts: [{name: restored, mountPath: /restore}]
                        rules: [{paths: [/restore/db]}]
                    """).pod();
            Container mounted = container(pod, "pvc-restore-0");
            assertEquals("/restore", flag(mounted, "--target-mount-path"));
            assertEquals("/restore/db", flag(mounted, "--restore-paths"));
            assertTrue(mounted.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("stash-volume")
                    && m.getMountPath().equals("/restore")));
            Volume volume = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals("stash-volume"))
                    .findFirst().orElseThrow();
            assertEquals("restored", volume.getPersistentVolumeClaim().getClaimName());
        }

        @Test
        void aUserFunctionNamedLikeABuiltInWins() throws Exception {
            ResolvedPlan plan = backup("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Function
                    metadata: {name: update-status}
                    spec: {image: example/my-update-status:1, args: [mine]}
                    """);
            Container updateStatus = container(plan.pod(), "update-status-1");
            assertEquals("example/my-update-status:1", updateStatus.getImage());
            assertEquals(List.of("mine"), updateStatus.getArgs());
        }

        @Test
        void builtInsLoadWithoutWarnings() {
            for (ParsedResource parsed : BuiltinDefinitions.parsedResources()) {
                assertTrue(parsed.warnings().isEmpty(), parsed.resource().name() + ": " + parsed.warnings());
            }
            assertTrue(BuiltinDefinitions.get().function("update-status").isPresent());
            assertTrue(BuiltinDefinitions.get().task("pvc-restore").isPresent());
            assertEquals(BuiltinDefinitions.FUNCTION_NAMES.size() + BuiltinDefinitions.TASK_NAMES.size(),
                    BuiltinDefinitions.parsedResources().size());
        }
    }

    @Nested
    class BackupBatch {

        private static final String BATCH = """
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupBatch
                metadata: {name: batch, namespace: ns}
                spec:
                  repository: {name: repo}
                  timeOut: 1h
                  retentionPolicy: {name: keep, keepLast: 3, prune: true}
                  members:
                  - task: {name: probe-task}
                    target: {alias: first, ref: {apiVersion: v1, kind: PersistentVolumeClaim, name: one}}
                  - task: {name: probe-task}
                    target: {alias: second, ref: {apiVersion: v1, kind: PersistentVolumeClaim, name: two}}
                    hooks: {preBackup: {exec: {command: [/bin/true]}}}
                ---
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupSession
                metadata: {name: s-2, namespace: ns}
                spec:
                  invoker: {apiGroup: stash.appscode.com, kind: BackupBatch, name: batch}
                """;

        @Test
        void onePodPerMemberIndexedByMember() throws Exception {
            List<ResolvedPlan> plans = ResolverTestSupport.resolver(definitions(BATCH)).resolveBackupSession("ns", "s-2");
            assertEquals(2, plans.size());
            assertEquals("stash-backup-s-2-0", plans.get(0).podName());
            assertEquals("stash-backup-s-2-1", plans.get(1).podName());
            assertEquals(0, plans.get(0).targetIndex());
            assertEquals(1, plans.get(1).targetIndex());
            assertEquals("first", flag(probe(plans.get(0)), "--host"));
            assertEquals("second", flag(probe(plans.get(1)), "--host"));
            assertEquals(2, plans.get(0).containers().size());
            assertEquals(3, plans.get(1).containers().size(), "member hooks belong to their member");
            assertEquals("BackupBatch", plans.get(0).invokerKind());
            assertEquals("1h", plans.get(1).timeOut());
            Container updateStatus = container(plans.get(1).pod(), "update-status-1");
            assertEquals("3", flag(updateStatus, "--retention-keep-last"), "retention comes from the batch");
            assertEquals("two", flag(updateStatus, "--target-name"));
            assertEquals("BackupBatch", flag(updateStatus, "--invoker-kind"));
        }

        @Test
        void onlyTheLastMemberRunsThePostBackupRepositoryActions() throws Exception {
            List<ResolvedPlan> plans = ResolverTestSupport.resolver(definitions(BATCH)).resolveBackupSession("ns", "s-2");
            assertEquals("false", flag(container(plans.get(0).pod(), "update-status-1"), "--post-backup-actions"));
            assertEquals("true", flag(container(plans.get(1).pod(), "update-status-1"), "--post-backup-actions"));
        }
    }

    @Nested
    class Errors {

        @Test
        void anUnresolvedVariableNamesTheFunctionFieldAndVariable() {
            ResolutionException e = backupFails("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Function
                    metadata: {name: probe}
                    spec:
                      image: example/probe:1
                      args: [probe, --a=1, --b=2, "--db=${DATABASE}"]
                    """);
            assertEquals(Reason.UNRESOLVED_VARIABLE, e.reason());
            assertEquals("Function", e.resourceKind());
            assertEquals("probe", e.resourceName());
            assertEquals("spec.args[3]", e.fieldPath());
            assertEquals("DATABASE", e.variable());
            assertTrue(e.getMessage().contains("can't resolve Function probe for Task probe-task"), e.getMessage());
            assertTrue(e.getMessage().contains("input/default value not found for key DATABASE"), e.getMessage());
            assertTrue(e.getMessage().contains("spec.task.params of BackupConfiguration ns/bc"), e.getMessage());
        }

        @Test
        void anUnresolvedVariableInTheTaskNamesTheTask() {
            ResolutionException e = backupFails("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Task
                    metadata: {name: probe-task}
                    spec:
                      steps: [{name: probe}]
                      volumes: [{name: s, secret: {secretName: "${SECRET_VOLUME_NAME}"}}]
                    """);
            assertEquals("Task", e.resourceKind());
            assertEquals("probe-task", e.resourceName());
            assertEquals("spec.volumes[0].secret.secretName", e.fieldPath());
            assertEquals("SECRET_VOLUME_NAME", e.variable());
        }

        @Test
        void aSyntaxErrorIsAnInvalidSubstitution() {
            ResolutionException e = backupFails("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Function
                    metadata: {name: probe}
                    spec: {image: "example/${A.B}"}
                    """);
            assertEquals(Reason.INVALID_SUBSTITUTION, e.reason());
            assertEquals("spec.image", e.fieldPath());
            assertNull(e.variable());
        }

        @Test
        void aMissingFunctionNamesTheFunctionAndTask() {
            ResolutionException e = backupFails("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Task
                    metadata: {name: probe-task}
                    spec: {steps: [{name: probe}, {name: postgres-backup-11.9}]}
                    """);
            assertEquals(Reason.MISSING_DEFINITION, e.reason());
            assertEquals("Function", e.resourceKind());
            assertEquals("postgres-backup-11.9", e.resourceName());
            assertTrue(e.getMessage().startsWith("can't get Function postgres-backup-11.9 for Task probe-task"), e.getMessage());
            assertTrue(e.getMessage().contains("spec.steps[1].name"), e.getMessage());
        }

        @Test
        void aMissingTask() {
            ResolutionException e = backupFails(bcWith("task: {name: mysql-backup-5.7}"));
            assertEquals(Reason.MISSING_DEFINITION, e.reason());
            assertEquals("Task", e.resourceKind());
            assertEquals("mysql-backup-5.7", e.resourceName());
            assertTrue(e.getMessage().contains("for BackupConfiguration ns/bc"), e.getMessage());
        }

        @Test
        void noTaskNameAndNoAddon() {
            ResolutionException e = backupFails(bcWith("task: {}"));
            assertEquals(Reason.MISSING_DEFINITION, e.reason());
            assertEquals("spec.task.name", e.fieldPath());
        }

        @Test
        void aMissingRepository() {
            ResolutionException e = backupFails(bcWith("repository: {name: elsewhere, namespace: other}"));
            assertEquals("Repository", e.resourceKind());
            assertEquals("other/elsewhere", e.resourceName());
            assertTrue(e.getMessage().contains("fix spec.repository"), e.getMessage());
        }

        @Test
        void aMissingAppBinding() {
            ResolutionException e = backupFails(bcWith(
                    "target: {ref: {apiVersion: appcatalog.appscode.com/v1alpha1, kind: AppBinding, name: pg}}"));
            assertEquals("AppBinding", e.resourceKind());
            assertEquals("ns/pg", e.resourceName());
        }

        @Test
        void aMissingBackupConfigurationOrBatch() {
            ResolutionException e = backupFails("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: BackupSession
                    metadata: {name: s-1, namespace: ns}
                    spec: {invoker: {apiGroup: stash.appscode.com, kind: BackupConfiguration, name: gone}}
                    """);
            assertEquals("BackupConfiguration", e.resourceKind());
            assertEquals("ns/gone", e.resourceName());
            assertTrue(e.getMessage().contains("fix spec.invoker"), e.getMessage());
            ResolutionException batch = backupFails("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: BackupSession
                    metadata: {name: s-1, namespace: ns}
                    spec: {invoker: {apiGroup: stash.appscode.com, kind: BackupBatch, name: gone}}
                    """);
            assertEquals("BackupBatch", batch.resourceKind());
        }

        @Test
        void aMissingSession() {
            var resolver = ResolverTestSupport.resolver(definitions());
            ResolutionException e = assertThrows(ResolutionException.class, () -> resolver.resolveBackupSession("ns", "nope"));
            assertEquals("BackupSession", e.resourceKind());
            assertEquals("ns/nope", e.resourceName());
            assertThrows(ResolutionException.class, () -> resolver.resolveRestoreSession("ns", "nope"));
        }

        @Test
        void anUnknownInvokerKind() {
            ResolutionException e = backupFails("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: BackupSession
                    metadata: {name: s-1, namespace: ns}
                    spec: {invoker: {apiGroup: stash.appscode.com, kind: RestoreSession, name: bc}}
                    """);
            assertEquals(Reason.INVALID_INPUT, e.reason());
            assertEquals("spec.invoker.kind", e.fieldPath());
        }

        @Test
        void zeroSteps() {
            ResolutionException e = backupFails("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: Task
                    metadata: {name: probe-task}
                    spec: {steps: []}
                    """);
            assertEquals(Reason.NO_STEPS, e.reason());
            assertEquals("probe-task", e.resourceName());
            assertTrue(e.getMessage().contains("empty steps"), e.getMessage());
        }

        @Test
        void aRepositoryWithoutBackendOrProvider() {
            ResolutionException noBackend = backupFails("""
                    apiVersion: stash.appscode.com/v1alpha1
                    kind: Repository
                    metadata: {name: repo, namespace: ns}
                    spec: {wipeOut: false}
                    """);
            assertEquals(Reason.INVALID_BACKEND, noBackend.reason());
            assertEquals("spec.backend", noBackend.fieldPath());
            ResolutionException noProvider = backupFails("""
                    apiVersion: stash.appscode.com/v1alpha1
                    kind: Repository
                    metadata: {name: repo, namespace: ns}
                    spec: {backend: {storageSecretName: creds}}
                    """);
            assertEquals(Reason.INVALID_BACKEND, noProvider.reason());
            assertEquals("ns/repo", noProvider.resourceName());
        }

        @Test
        void sidecarModelAndSnapshotDriverAreUnsupported() {
            ResolutionException sidecar = backupFails(bcWith(
                    "task: {}\ntarget: {ref: {apiVersion: apps/v1, kind: Deployment, name: web}}"));
            assertEquals(Reason.UNSUPPORTED, sidecar.reason());
            assertTrue(sidecar.getMessage().contains("sidecar"), sidecar.getMessage());
            ResolutionException snapshot = backupFails(bcWith("driver: VolumeSnapshotter"));
            assertEquals(Reason.UNSUPPORTED, snapshot.reason());
            assertEquals("spec.driver", snapshot.fieldPath());
        }
    }
}
