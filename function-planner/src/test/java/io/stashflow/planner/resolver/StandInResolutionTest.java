package io.stashflow.planner.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.stashflow.api.model.BackupSession;
import io.stashflow.api.model.BackupSessionSpec;
import io.stashflow.api.model.InvokerRef;
import io.stashflow.api.model.ParsedResource;
import io.stashflow.api.model.StashKind;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link StashResolver#resolveBackupSessionWithStandIn}: plans it calls reusable are, for every other session name,
 * exactly what {@link StashResolver#resolveBackupSession(BackupSession)} gives once the name is put in (checked here
 * with a renderer of the documented contract on the fabric8 pods), and plans that use the name in any other way are
 * called not reusable.
 */
class StandInResolutionTest {

    static final String STAND_IN = "sf-standin-q7x2m9k4w1z8";

    /** Names that exercise the pod name's rules: plain, dotted, too long for a plain pod name, and look-alikes. */
    static final List<String> NAMES = List.of(
            "s-1", "x", "pg-backup-7-1700000000", "a.b.c", "host-0", "stash-tmp", "postgres", "abc",
            "n".repeat(49), "n".repeat(50), "long-" + "x".repeat(60),
            ("segment." + "y".repeat(50) + ".").repeat(4) + "z");

    // ------------------------------------------------------------------------------------------------------------
    // the catalog

    static Stream<String> catalogBackups() {
        return CatalogGoldenTest.cases().filter(CatalogGoldenTest.Case::backup).map(CatalogGoldenTest.Case::addon);
    }

    @ParameterizedTest
    @MethodSource("catalogBackups")
    void catalogBackupsResolveToEachSessionsOwnPlans(String addon) throws Exception {
        List<ParsedResource> definitions = CatalogGoldenTest.definitionsFor(addon);
        BackupSession fixture = definitions.stream().filter(p -> p.kind() == StashKind.BACKUP_SESSION)
                .map(p -> p.as(BackupSession.class)).findFirst().orElseThrow();
        StashResolver resolver = ResolverTestSupport.resolver(definitions);

        StandInResolution standIn = resolver.resolveBackupSessionWithStandIn(renamed(fixture, STAND_IN));
        if ("elasticsearch".equals(addon)) {
            // its interimVolumeTemplate gives a PVC named after the session
            assertFalse(standIn.reusable());
            assertTrue(standIn.notReusable().get().contains("interim volume claim"), standIn.notReusable().get());
            return;
        }
        assertTrue(standIn.reusable(), () -> addon + ": " + standIn.notReusable());
        assertTrue(copiesStandIn(standIn), "the catalog Functions copy BACKUP_SESSION into their args");
        for (String name : NAMES) {
            assertEquals(resolver.resolveBackupSession(renamed(fixture, name)), rendered(standIn, name),
                    addon + " session " + name);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // reusable shapes beyond the catalog

    @Nested
    class Reusable {

        @Test
        void aStepParamHoldingTheNameCopiedIntoArgsCommandAndEnv() throws Exception {
            assertReusable(task("""
                    - name: probe
                      params: [{name: copy, value: "s=${BACKUP_SESSION}"}]
                    """), function("""
                    command: ["/run", "${copy}"]
                    args: ["--twice=${BACKUP_SESSION}${BACKUP_SESSION}", "--default=${missing:=${BACKUP_SESSION}}"]
                    runtimeSettings:
                      env: [{name: SESSION, value: "${copy:=none}"}]
                    """));
        }

        @Test
        void hooksCarryTheNameInTheirArgs() throws Exception {
            assertReusable("""
                    apiVersion: stash.appscode.com/v1beta1
                    kind: BackupConfiguration
                    metadata: {name: bc, namespace: ns}
                    spec:
                      task: {name: probe-task, params: [{name: outputDir, value: /out}]}
                      repository: {name: repo}
                      target: {ref: {apiVersion: v1, kind: PersistentVolumeClaim, name: data}}
                      hooks:
                        preBackup: {exec: {command: [/bin/true]}}
                        postBackup: {exec: {command: [/bin/true]}, executionPolicy: Always}
                    """);
        }

        @Test
        void aBatchWhoseUpdateStatusArgsStartApartFromThePostBackupFlag() throws Exception {
            StandInResolution standIn = assertReusable(batch("- --tag=${BACKUP_SESSION}"));
            assertEquals(2, standIn.plans().size());
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // everything else is refused

    @Nested
    class NotReusable {

        @Test
        void aSubstringOfTheName() throws Exception {
            World world = world(function("args: [\"--short=${BACKUP_SESSION:0:3}\"]"));
            StandInResolution r = assertNotReusable("cuts, measures", world);
            // why it matters: the first three letters are not the stand-in's for any other name
            assertNotEquals(world.plain("pg-1"), rendered(r, "pg-1"));
        }

        @Test
        void theNamesLengthCaseOrAPatternReplacement() throws Exception {
            for (String arg : List.of("${#BACKUP_SESSION}", "${BACKUP_SESSION^^}", "${BACKUP_SESSION,}",
                    "${BACKUP_SESSION/pg/x}", "${BACKUP_SESSION%-*}", "${BACKUP_SESSION##*-}",
                    "${TARGET_NAME/${BACKUP_SESSION}/x}")) {
                assertNotReusable("cuts, measures", function("args: [\"--v=" + arg + "\"]"));
            }
        }

        @Test
        void aStepParamMadeFromTheNameThatAFunctionCuts() throws Exception {
            assertNotReusable("cuts, measures", task("""
                    - name: probe
                      params: [{name: copy, value: "${BACKUP_SESSION}"}]
                    """), function("args: [\"--v=${copy:1}\"]"));
        }

        @Test
        void aStepParamNamedAfterTheSession() throws Exception {
            World world = world(task("""
                    - name: probe
                      params: [{name: "${BACKUP_SESSION}", value: from-param}]
                    """), function("args: [\"--v=${abc:=unset}\"]"));
            StandInResolution r = assertNotReusable("takes the session name", world);
            // why it matters: a session named abc sees the param
            assertNotEquals(world.plain("abc"), rendered(r, "abc"));
        }

        @Test
        void theNameInAnEnvNameImageWorkingDirMountOrVolume() throws Exception {
            assertNotReusable("takes the session name", function("""
                    runtimeSettings:
                      env: [{name: "${BACKUP_SESSION}", value: x}]
                    """));
            assertNotReusable("takes the session name", function("image: \"example/${BACKUP_SESSION}:1\""));
            assertNotReusable("takes the session name", function("workingDir: \"/work/${BACKUP_SESSION}\""));
            assertNotReusable("takes the session name",
                    function("volumeMounts: [{name: data, mountPath: \"/${BACKUP_SESSION}\"}]"));
            assertNotReusable("takes the session name", task("- name: probe", """
                    - name: scratch
                      emptyDir: {medium: "${BACKUP_SESSION}"}
                    """));
        }

        @Test
        void anInterimVolumeClaim() throws Exception {
            assertNotReusable("interim volume claim", """
                    apiVersion: stash.appscode.com/v1beta1
                    kind: BackupConfiguration
                    metadata: {name: bc, namespace: ns}
                    spec:
                      task: {name: probe-task}
                      repository: {name: repo}
                      target: {ref: {apiVersion: v1, kind: PersistentVolumeClaim, name: data}}
                      interimVolumeTemplate:
                        metadata: {name: scratch}
                        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
                    """);
        }

        @Test
        void aBatchWhoseUpdateStatusArgCouldBecomeThePostBackupFlag() throws Exception {
            // "--post-backup-" + "actions=..." is the flag the resolver turns off on all but the last member
            assertNotReusable("starts with --post-backup-actions=", batch("- --post-backup-${BACKUP_SESSION}"));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // helpers

    /** StashResolverTest.BASE plus documents (later ones replace earlier ones), and the session's invoker kind. */
    private record World(StashResolver resolver, String invokerKind) {

        BackupSession session(String name) {
            return new BackupSession("stash.appscode.com/v1beta1", "BackupSession",
                    new ObjectMetaBuilder().withName(name).withNamespace("ns").build(),
                    new BackupSessionSpec(new InvokerRef("stash.appscode.com", invokerKind, "bc"), 1), null);
        }

        StandInResolution standIn() throws ResolutionException {
            return resolver.resolveBackupSessionWithStandIn(session(STAND_IN));
        }

        List<ResolvedPlan> plain(String name) throws ResolutionException {
            return resolver.resolveBackupSession(session(name));
        }
    }

    private static World world(String... documents) {
        List<ParsedResource> all = new ArrayList<>(ResolverTestSupport.readYaml(StashResolverTest.BASE));
        boolean batch = false;
        for (String document : documents) {
            all.addAll(ResolverTestSupport.readYaml(document));
            batch |= document.contains("kind: BackupBatch");
        }
        return new World(ResolverTestSupport.resolver(all),
                batch ? StashResolver.KIND_BACKUP_BATCH : StashResolver.KIND_BACKUP_CONFIGURATION);
    }

    /** The stand-in resolution over BASE plus documents is reusable, and renders to every NAMES' own plans. */
    private static StandInResolution assertReusable(String... documents) throws ResolutionException {
        World world = world(documents);
        StandInResolution standIn = world.standIn();
        assertTrue(standIn.reusable(), () -> standIn.notReusable().get());
        assertTrue(copiesStandIn(standIn), "the case is meant to copy the name into a container");
        for (String name : NAMES) {
            assertEquals(world.plain(name), rendered(standIn, name), name);
        }
        return standIn;
    }

    private static StandInResolution assertNotReusable(String reason, String... documents) throws ResolutionException {
        return assertNotReusable(reason, world(documents));
    }

    private static StandInResolution assertNotReusable(String reason, World world) throws ResolutionException {
        StandInResolution standIn = world.standIn();
        assertFalse(standIn.reusable(), "expected not reusable");
        assertTrue(standIn.notReusable().get().contains(reason), standIn.notReusable().get());
        return standIn;
    }

    private static BackupSession renamed(BackupSession session, String name) {
        return new BackupSession(session.apiVersion(), session.kind(),
                new ObjectMetaBuilder(session.metadata()).withName(name).build(), session.spec(), null);
    }

    /** The probe Function of BASE with {@code specYaml} as its spec (plus its image when not given). */
    static String function(String specYaml) {
        String spec = specYaml.contains("image:") ? specYaml : specYaml + "\nimage: example/probe:1\n";
        return """
                apiVersion: stash.appscode.com/v1beta1
                kind: Function
                metadata: {name: probe}
                spec:
                """ + spec.strip().indent(2);
    }

    /** The probe-task Task of BASE with {@code stepsYaml} (a YAML list) as its steps. */
    static String task(String stepsYaml) {
        return task(stepsYaml, null);
    }

    /** The probe-task Task of BASE with {@code stepsYaml} as its steps and {@code volumesYaml} as its volumes. */
    static String task(String stepsYaml, String volumesYaml) {
        return """
                apiVersion: stash.appscode.com/v1beta1
                kind: Task
                metadata: {name: probe-task}
                spec:
                  steps:
                """ + stepsYaml.strip().indent(2)
                + (volumesYaml == null ? "" : "  volumes:\n" + volumesYaml.strip().indent(2));
    }

    /** BackupBatch ns/bc with two members; the update-status Function's args are replaced by {@code argsYaml}. */
    static String batch(String argsYaml) {
        return """
                apiVersion: stash.appscode.com/v1beta1
                kind: BackupBatch
                metadata: {name: bc, namespace: ns}
                spec:
                  repository: {name: repo}
                  members:
                  - task: {name: probe-task}
                    target: {ref: {apiVersion: v1, kind: PersistentVolumeClaim, name: a}}
                  - task: {name: probe-task}
                    target: {ref: {apiVersion: v1, kind: PersistentVolumeClaim, name: b}}
                ---
                apiVersion: stash.appscode.com/v1beta1
                kind: Function
                metadata: {name: update-status}
                spec:
                  image: example/update-status:1
                  args:
                  - update-status
                  - --post-backup-actions=true
                """ + argsYaml.strip().indent(2);
    }

    /** Whether some container's args, command or env values hold the stand-in. */
    private static boolean copiesStandIn(StandInResolution resolution) {
        for (ResolvedPlan plan : resolution.plans()) {
            List<Container> containers = new ArrayList<>(plan.pod().getSpec().getInitContainers());
            containers.addAll(plan.pod().getSpec().getContainers());
            for (Container c : containers) {
                List<String> texts = new ArrayList<>(c.getArgs());
                texts.addAll(c.getCommand());
                c.getEnv().forEach(e -> texts.add(String.valueOf(e.getValue())));
                if (texts.stream().anyMatch(t -> t.contains(resolution.standIn()))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The documented contract, on fabric8 pods: the stand-in's plans with the session name, the pod name made from
     * it, and the stand-in replaced in container args, commands, env values and owner reference names.
     */
    static List<ResolvedPlan> rendered(StandInResolution resolution, String name) {
        List<ResolvedPlan> plans = new ArrayList<>();
        for (ResolvedPlan plan : resolution.plans()) {
            Pod pod = new PodBuilder(plan.pod()).build();
            pod.getMetadata().setName(ResourceNames.backupPodName(name, plan.targetIndex()));
            for (OwnerReference owner : pod.getMetadata().getOwnerReferences()) {
                owner.setName(owner.getName().replace(resolution.standIn(), name));
            }
            List<Container> containers = new ArrayList<>(pod.getSpec().getInitContainers());
            containers.addAll(pod.getSpec().getContainers());
            for (Container c : containers) {
                c.setArgs(c.getArgs().stream().map(a -> a.replace(resolution.standIn(), name)).toList());
                c.setCommand(c.getCommand().stream().map(a -> a.replace(resolution.standIn(), name)).toList());
                for (EnvVar env : c.getEnv()) {
                    if (env.getValue() != null) {
                        env.setValue(env.getValue().replace(resolution.standIn(), name));
                    }
                }
            }
            plans.add(new ResolvedPlan(plan.sessionKind(), plan.sessionNamespace(), name, plan.invokerKind(),
                    plan.invokerName(), plan.targetIndex(), plan.taskName(), pod, plan.containers(),
                    plan.podSecurityPolicyNames(), plan.interimVolumeClaim(), plan.timeOut(), plan.retryConfig()));
        }
        return plans;
    }
}
