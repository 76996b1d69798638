package io.stashflow.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionAndTaskReadingTest {

    @Test
    void functionWithEveryField() {
        Function function = ModelFixtures.readSingle("function-full.yaml", Function.class);

        assertEquals("stash.appscode.com/v1beta1", function.apiVersion());
        assertEquals("Function", function.kind());
        assertEquals("pg-custom-backup-16.1", function.name());
        assertNull(function.namespace());
        assertEquals(Map.of("app.kubernetes.io/name", "pg-custom"), function.metadata().getLabels());
        FunctionSpec spec = function.spec();
        assertEquals("ghcr.io/example/pg-backup:16.1", spec.image());
        assertEquals(List.of("/bin/pg-backup"), spec.command());
        assertEquals(List.of("backup-pg", "--provider=${REPOSITORY_PROVIDER:=}", "--output-dir=${outputDir:=}"), spec.args());
        assertEquals("/work", spec.workingDir());
        assertEquals(1, spec.ports().size());
        assertEquals("metrics", spec.ports().get(0).getName());
        assertEquals(56789, spec.ports().get(0).getContainerPort());
        assertEquals("TCP", spec.ports().get(0).getProtocol());
        assertEquals("${secretVolume}", spec.volumeMounts().get(0).getName());
        assertEquals("/etc/repository/secret", spec.volumeMounts().get(0).getMountPath());
        assertEquals(Boolean.TRUE, spec.volumeMounts().get(0).getReadOnly());
        assertEquals("raw-block", spec.volumeDevices().get(0).getName());
        assertEquals("/dev/xvda", spec.volumeDevices().get(0).getDevicePath());
        ContainerRuntimeSettings runtime = spec.runtimeSettings();
        assertEquals(new Quantity("100m"), runtime.resources().getRequests().get("cpu"));
        assertEquals(new Quantity("1Gi"), runtime.resources().getLimits().get("memory"));
        assertEquals(new NiceSettings(5), runtime.nice());
        assertEquals(new IONiceSettings(2, 4), runtime.ionice());
        assertEquals("PGSSLMODE", runtime.env().get(0).getName());
        assertEquals("require", runtime.env().get(0).getValue());
        assertEquals(List.of(), runtime.envFrom());
        assertNull(runtime.livenessProbe());
        assertEquals("baseline", spec.podSecurityPolicyName());
    }

    @Test
    void taskWithStepsParamsAndVolumes() {
        Task task = ModelFixtures.readSingle("task-full.yaml", Task.class);

        assertEquals("pg-custom-backup-16.1", task.name());
        assertEquals(List.of(
                new FunctionRef("pg-custom-backup-16.1", List.of(
                        new Param("outputDir", "/stash-tmp/output"),
                        new Param("waitTimeout", "300"))),
                new FunctionRef("update-status", List.of(new Param("outputDir", "/stash-tmp/output")))),
                task.spec().steps());
        assertEquals(2, task.spec().volumes().size());
        assertEquals("target-volume", task.spec().volumes().get(0).getName());
        assertEquals("${TARGET_NAME}", task.spec().volumes().get(0).getPersistentVolumeClaim().getClaimName());
        assertEquals("scratch", task.spec().volumes().get(1).getName());
        assertTrue(task.spec().volumes().get(1).getEmptyDir() != null);
    }

    @Test
    void absentListsReadAsEmptyAndAbsentScalarsAsNull() {
        String yaml = """
                apiVersion: stash.appscode.com/v1beta1
                kind: Function
                metadata:
                  name: minimal
                spec:
                  image: busybox
                """;
        FunctionSpec spec = ModelFixtures.READER.read(yaml, "minimal.yaml").get(0).as(Function.class).spec();

        assertEquals(List.of(), spec.command());
        assertEquals(List.of(), spec.args());
        assertEquals(List.of(), spec.ports());
        assertEquals(List.of(), spec.volumeMounts());
        assertEquals(List.of(), spec.volumeDevices());
        assertNull(spec.workingDir());
        assertNull(spec.runtimeSettings());
    }

    @Test
    void listsAreUnmodifiable() {
        Task task = ModelFixtures.readSingle("task-full.yaml", Task.class);

        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> task.spec().steps().add(new FunctionRef("extra", List.of())));
    }
}
