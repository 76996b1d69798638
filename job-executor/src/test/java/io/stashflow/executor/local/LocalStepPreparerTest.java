package io.stashflow.executor.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.stashflow.executor.local.LocalStepPreparer.PreparedStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a container becomes a host process description. */
class LocalStepPreparerTest {

    @TempDir
    Path work;
    Path run;
    Path claims;
    LocalStepPreparer preparer;

    @BeforeEach
    void setUp() throws Exception {
        run = work.resolve("runs/demo/p");
        claims = work.resolve("claims");
        Path secrets = work.resolve("secrets");
        Files.createDirectories(secrets.resolve("demo/s3-creds"));
        Files.writeString(secrets.resolve("demo/s3-creds/RESTIC_PASSWORD"), "hunter2");
        Files.writeString(secrets.resolve("demo/db.env"), "# comment\nPGPASSWORD=pw=with=equals\n\nPGUSER=admin\n");
        preparer = new LocalStepPreparer(new DirectorySecretSource(secrets),
                EntrypointMap.withStashflowJar("/usr/bin/java", "/opt/stashflow.jar",
                        Map.of("stashed/stash-postgres", List.of("/usr/local/bin/stash-postgres"))),
                new LocalStepPreparer.Tools(Optional.of("/usr/bin/nice"), Optional.of("/usr/bin/ionice")),
                Map.of("PATH", "/usr/bin:/bin", "SECRET_OF_THE_AGENT", "x"));
    }

    private static Pod pod(Container c) {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("demo").addToLabels("app", "pg")
                .endMetadata().withNewSpec()
                .addToVolumes(new VolumeBuilder().withName("stash-tmp-dir").withNewEmptyDir().endEmptyDir().build())
                .addToVolumes(new VolumeBuilder().withName("data").withNewPersistentVolumeClaim().withClaimName("pg-data")
                        .endPersistentVolumeClaim().build())
                .addToVolumes(new VolumeBuilder().withName("creds").withNewSecret().withSecretName("s3-creds").endSecret()
                        .build())
                .addToVolumes(new VolumeBuilder().withName("cm").withNewConfigMap().withName("x").endConfigMap().build())
                .addToContainers(c).endSpec().build();
    }

    private static ContainerBuilder container() {
        return new ContainerBuilder().withName("backup-0").withImage("stashed/stash-postgres:16.1")
                .addNewVolumeMount().withName("stash-tmp-dir").withMountPath("/stash-tmp").endVolumeMount()
                .addNewVolumeMount().withName("data").withMountPath("/data").withSubPath("pg").endVolumeMount();
    }

    @Test
    void mountPathsAndTheTerminationFileAreMappedInArgsAndEnv() throws Exception {
        Container c = container().withArgs("backup-pg", "--output-dir=/stash-tmp/output", "/data/dump.sql",
                        "/dev/termination-log", "--other=/elsewhere", "see /stash-tmp inside text")
                .addNewEnv().withName("DUMP").withValue("/data").endEnv()
                .addNewEnv().withName("NESTED").withValue("$(DUMP)/x").endEnv()
                .withWorkingDir("/stash-tmp/work").build();
        PreparedStep s = preparer.prepare(pod(c), c, run, claims, "uid-1");
        Path tmp = run.resolve("volumes/stash-tmp-dir");
        Path data = claims.resolve("demo/pg-data/pg");
        assertEquals(List.of("/usr/local/bin/stash-postgres", "backup-pg", "--output-dir=" + tmp.resolve("output"),
                data.resolve("dump.sql").toString(), run.resolve("termination/backup-0").toString(), "--other=/elsewhere",
                "see /stash-tmp inside text"), s.argv());
        assertEquals(data.toString(), s.env().get("DUMP"));
        assertEquals(data + "/x", s.env().get("NESTED"), "$(VAR) expanded, then mapped");
        assertEquals(tmp.resolve("work"), s.workingDir());
        assertEquals(tmp.resolve("output/output.json"), s.outputFile());
        assertEquals(run.resolve("termination/backup-0"), s.terminationFile());
        assertEquals("p", s.env().get("HOSTNAME"));
        assertFalse(s.env().containsKey("SECRET_OF_THE_AGENT"), "the agent's own environment does not leak");
        assertTrue(Files.isDirectory(data));
    }

    @Test
    void secretsComeFromTheLocalDirectory() throws Exception {
        Container c = container().withCommand("/bin/true")
                .addNewEnvFrom().withNewSecretRef().withName("db").endSecretRef().endEnvFrom()
                .addNewEnv().withName("RESTIC_PASSWORD").withNewValueFrom().withNewSecretKeyRef().withName("s3-creds")
                .withKey("RESTIC_PASSWORD").endSecretKeyRef().endValueFrom().endEnv()
                .addNewEnv().withName("POD").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef()
                .endValueFrom().endEnv()
                .addNewEnv().withName("APP").withNewValueFrom().withNewFieldRef()
                .withFieldPath("metadata.labels['app']").endFieldRef().endValueFrom().endEnv()
                .addNewVolumeMount().withName("creds").withMountPath("/etc/creds").endVolumeMount()
                .build();
        PreparedStep s = preparer.prepare(pod(c), c, run, claims, "uid-1");
        assertEquals("pw=with=equals", s.env().get("PGPASSWORD"));
        assertEquals("admin", s.env().get("PGUSER"));
        assertEquals("hunter2", s.env().get("RESTIC_PASSWORD"));
        assertEquals("p", s.env().get("POD"));
        assertEquals("pg", s.env().get("APP"));
        assertEquals("hunter2", Files.readString(run.resolve("volumes/creds/RESTIC_PASSWORD")));
    }

    @Test
    void aMissingSecretIsAConfigErrorThatNamesItButNoValue() {
        Container c = container().withCommand("/bin/true")
                .addNewEnvFrom().withNewSecretRef().withName("absent").endSecretRef().endEnvFrom().build();
        StepSetupException e = assertThrows(StepSetupException.class, () -> preparer.prepare(pod(c), c, run, claims, "u"));
        assertEquals("CreateContainerConfigError", e.reason());
        assertTrue(e.getMessage().contains("demo/absent"), e.getMessage());
    }

    @Test
    void niceAndIoniceBecomeRealPrefixes() throws Exception {
        Container c = container().withCommand("/bin/true")
                .addNewEnv().withName("NICE_ADJUSTMENT").withValue("5").endEnv()
                .addNewEnv().withName("IONICE_CLASS").withValue("2").endEnv()
                .addNewEnv().withName("IONICE_CLASS_DATA").withValue("7").endEnv().build();
        PreparedStep s = preparer.prepare(pod(c), c, run, claims, "u");
        assertEquals(List.of("/usr/bin/ionice", "-c", "2", "-n", "7", "/usr/bin/nice", "-n", "5", "/bin/true"), s.argv());
        Container bad = container().withCommand("/bin/true").addNewEnv().withName("NICE_ADJUSTMENT").withValue("50")
                .endEnv().build();
        StepSetupException e = assertThrows(StepSetupException.class,
                () -> preparer.prepare(pod(bad), bad, run, claims, "u"));
        assertEquals("InvalidSetting", e.reason());
        assertTrue(e.getMessage().contains("NICE_ADJUSTMENT=50"), e.getMessage());
    }

    @Test
    void anArgsOnlyContainerOfAnUnmappedImageFailsNamingTheImageAndTheSetting() {
        Container c = container().withImage("example.com/tools/mystery:2").withArgs("go").build();
        StepSetupException e = assertThrows(StepSetupException.class, () -> preparer.prepare(pod(c), c, run, claims, "u"));
        assertEquals("UnmappedImage", e.reason());
        assertTrue(e.getMessage().contains("example.com/tools/mystery:2"), e.getMessage());
        assertTrue(e.getMessage().contains(EntrypointMap.SETTING), e.getMessage());
    }

    @Test
    void stashflowsImageRunsTheJar() throws Exception {
        Container c = container().withImage("ghcr.io/stashflow/stashflow:0.1.0").withArgs("update-status").build();
        assertEquals(List.of("/usr/bin/java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", "/opt/stashflow.jar",
                "update-status"),
                preparer.prepare(pod(c), c, run, claims, "u").argv());
    }

    @Test
    void anUnsupportedVolumeIsNamed() {
        Container c = container().withCommand("/bin/true").addNewVolumeMount().withName("cm").withMountPath("/cfg")
                .endVolumeMount().build();
        StepSetupException e = assertThrows(StepSetupException.class, () -> preparer.prepare(pod(c), c, run, claims, "u"));
        assertEquals("UnsupportedVolume", e.reason());
        assertTrue(e.getMessage().contains("configMap"), e.getMessage());
    }

    @Test
    void mountMapPrefersTheLongestPathAndRespectsPathBoundaries() {
        MountMap map = new MountMap(List.of(new MountMap.Entry("/data", Path.of("/l/data")),
                new MountMap.Entry("/data/db", Path.of("/l/db"))));
        assertEquals("/l/db/x", map.rewrite("/data/db/x"));
        assertEquals("/l/data/dbx", map.rewrite("/data/dbx"));
        assertEquals("/database", map.rewrite("/database"));
        assertEquals("--dir=/l/data", map.rewrite("--dir=/data"));
        assertEquals("", map.rewrite(""));
    }

    @Test
    void dependentVariablesExpandLikeTheKubelet() {
        Map<String, String> vars = Map.of("A", "x", "B", "y");
        assertEquals("x-y", DependentVariables.expand("$(A)-$(B)", vars));
        assertEquals("$(A)", DependentVariables.expand("$$(A)", vars));
        assertEquals("$(UNKNOWN)", DependentVariables.expand("$(UNKNOWN)", vars));
        assertEquals("$A ${A} $", DependentVariables.expand("$A ${A} $", vars));
        assertEquals("$(A", DependentVariables.expand("$(A", vars));
    }

    @Test
    void entrypointSettingsParseAndMatchByRepository() {
        EntrypointMap map = new EntrypointMap(EntrypointMap.parse(List.of("repo/app=/bin/app --flag",
                "repo/app:2=/bin/app2", "localhost:5000/x=/bin/x")));
        assertEquals(List.of("/bin/app", "--flag"), map.lookup("repo/app:1").orElseThrow());
        assertEquals(List.of("/bin/app2"), map.lookup("repo/app:2").orElseThrow());
        assertEquals(List.of("/bin/app", "--flag"), map.lookup("repo/app@sha256:abc").orElseThrow());
        assertEquals(List.of("/bin/x"), map.lookup("localhost:5000/x:3").orElseThrow());
        assertTrue(map.lookup("other").isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EntrypointMap.parse(List.of("no-program=")));
        assertTrue(e.getMessage().contains(EntrypointMap.SETTING));
    }
}
