package io.stashflow.api.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.stashflow.events.ContainerSpec;
import io.stashflow.events.PodPlan;
import io.stashflow.events.StepInfo;
import io.stashflow.events.StepRole;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodPlanMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Pod fullPod() throws IOException {
        try (InputStream in = PodPlanMapperTest.class.getResourceAsStream("/plan/full-pod.yaml")) {
            return new YAMLMapper().readValue(in, Pod.class);
        }
    }

    static Map<String, StepInfo> steps() {
        Map<String, StepInfo> steps = new LinkedHashMap<>();
        steps.put("postgres-backup-16-1-0", StepInfo.newBuilder().setIndex(0).setFunctionName("postgres-backup-16.1")
                .setRole(StepRole.STEP).build());
        steps.put("update-status-1", StepInfo.newBuilder().setIndex(1).setFunctionName("update-status")
                .setRole(StepRole.UPDATE_STATUS).setFulfilledByReporter(true).build());
        return steps;
    }

    @Test
    void fullPodSurvivesPodToPlanToPod() throws IOException {
        Pod original = fullPod();
        PodPlan plan = PodPlanMapper.toPodPlan(original, steps()::get);
        Pod rebuilt = PodPlanMapper.toPod(plan);

        // the only addition is the step annotation; everything else is identical
        Pod expected = new PodBuilder(original).editMetadata()
                .addToAnnotations(StepAnnotation.KEY, rebuilt.getMetadata().getAnnotations().get(StepAnnotation.KEY))
                .endMetadata().build();
        assertEquals(tree(expected), tree(rebuilt));
        assertEquals(expected, rebuilt);
    }

    @Test
    void planSurvivesPlanToPodToPlan() throws IOException {
        PodPlan plan = PodPlanMapper.toPodPlan(fullPod(), steps()::get);
        Pod pod = PodPlanMapper.toPod(plan);
        PodPlan again = PodPlanMapper.toPodPlan(pod);
        assertEquals(plan, again);
        // and through Avro's own binary form, as it travels through Kafka
        assertEquals(plan, PodPlan.fromByteBuffer(again.toByteBuffer()));
    }

    @Test
    void mapsEveryContainerFieldTheSchemaCarries() throws IOException {
        PodPlan plan = PodPlanMapper.toPodPlan(fullPod(), steps()::get);
        ContainerSpec init = plan.getInitContainers().get(0);
        assertEquals("postgres-backup-16-1-0", init.getName());
        assertEquals(List.of("/stash-enterprise"), init.getCommand());
        assertEquals("--output-dir=/stash-tmp/output", init.getArgs().get(3));
        assertEquals("/stash-tmp", init.getWorkingDir());
        assertEquals("PGPASSWORD", init.getEnv().get(0).getName());
        assertNull(init.getEnv().get(0).getValue());
        JsonNode valueFrom = JSON.readTree(init.getEnv().get(0).getValueFromJson());
        assertEquals("sample-pg-auth", valueFrom.path("secretKeyRef").path("name").asText());
        assertEquals("", init.getEnv().get(3).getValue());
        assertEquals("s3-secret", init.getEnvFrom().get(0).getSecretName());
        assertEquals("pg-settings", init.getEnvFrom().get(1).getConfigMapName());
        assertEquals("PG_", init.getEnvFrom().get(1).getPrefix());
        assertEquals(Boolean.TRUE, init.getEnvFrom().get(1).getOptional());
        assertEquals(56789, init.getPorts().get(0).getContainerPort());
        assertEquals("pg", init.getVolumeMounts().get(1).getSubPath());
        assertEquals("/dev/xvda", init.getVolumeDevices().get(0).getDevicePath());
        assertEquals("500m", init.getResources().getLimits().get("cpu"));
        assertEquals("128Mi", init.getResources().getRequests().get("memory"));
        assertTrue(init.getLivenessProbeJson().contains("/stash-tmp/alive"));
        assertTrue(init.getSecurityContextJson().contains("\"drop\":[\"ALL\"]"));
        assertEquals("FallbackToLogsOnError", init.getTerminationMessagePolicy());
        assertEquals(StepRole.STEP, init.getStep().getRole());

        ContainerSpec main = plan.getContainer();
        assertEquals("Always", main.getImagePullPolicy());
        assertEquals("/stash-tmp/termination", main.getTerminationMessagePath());
        assertEquals(StepRole.UPDATE_STATUS, main.getStep().getRole());
        assertTrue(main.getStep().getFulfilledByReporter());

        assertEquals("5f0c6f6e-0000-4000-8000-000000000001", plan.getOwnerReferences().get(0).getUid());
        assertTrue(plan.getOwnerReferences().get(0).getController());
        assertEquals(3, plan.getVolumes().size());
        assertFalse(plan.getVolumes().get(0).getSourceJson().contains("\"name\""));
        assertEquals("ssd", plan.getSettings().getNodeSelector().get("disktype"));
        assertEquals(List.of("regcred"), plan.getSettings().getImagePullSecrets());
        assertEquals(100, plan.getSettings().getPriority());
        assertTrue(plan.getSettings().getTolerationsJson().startsWith("["));
        assertEquals(Boolean.FALSE, plan.getSettings().getEnableServiceLinks());
    }

    @Test
    void unsetDefaultsBecomeExplicitDefaults() {
        Pod minimal = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").endMetadata()
                .withNewSpec().addNewContainer().withName("c-0").withImage("busybox").endContainer().endSpec().build();
        PodPlan plan = PodPlanMapper.toPodPlan(minimal, name -> StepInfo.newBuilder().setIndex(0).setFunctionName("c")
                .setRole(StepRole.STEP).build());
        assertEquals("IfNotPresent", plan.getContainer().getImagePullPolicy());
        assertEquals("/dev/termination-log", plan.getContainer().getTerminationMessagePath());
        assertEquals("File", plan.getContainer().getTerminationMessagePolicy());
        assertEquals("Never", plan.getSettings().getRestartPolicy());
        Container rebuilt = PodPlanMapper.toPod(plan).getSpec().getContainers().get(0);
        assertEquals("IfNotPresent", rebuilt.getImagePullPolicy());
        assertEquals("Never", PodPlanMapper.toPod(plan).getSpec().getRestartPolicy());
    }

    @Test
    void aFieldWithoutPlaceInTheSchemaIsNamedNotDropped() throws IOException {
        Pod pod = new PodBuilder(fullPod()).editSpec().withHostNetwork(true).editFirstInitContainer().withStdin(true)
                .endInitContainer().endSpec().build();
        PodPlanMappingException e = assertThrows(PodPlanMappingException.class,
                () -> PodPlanMapper.toPodPlan(pod, steps()::get));
        assertEquals(List.of("spec.hostNetwork", "spec.initContainers[0].stdin"), e.fields().stream().sorted().toList());
        assertTrue(e.getMessage().contains("PodPlan.avsc"), e.getMessage());
    }

    @Test
    void ownerReferenceThatDoesNotBlockDeletionWhileControllingIsReported() throws IOException {
        Pod pod = new PodBuilder(fullPod()).editMetadata().editFirstOwnerReference().withBlockOwnerDeletion(false)
                .endOwnerReference().endMetadata().build();
        PodPlanMappingException e = assertThrows(PodPlanMappingException.class,
                () -> PodPlanMapper.toPodPlan(pod, steps()::get));
        assertEquals(List.of("metadata.ownerReferences[0].blockOwnerDeletion"), e.fields());
    }

    @Test
    void aContainerWithoutStepIsAnError() throws IOException {
        Pod pod = fullPod();
        PodPlanMappingException e = assertThrows(PodPlanMappingException.class,
                () -> PodPlanMapper.toPodPlan(pod, name -> name.startsWith("update") ? steps().get(name) : null));
        assertTrue(e.getMessage().contains("postgres-backup-16-1-0"), e.getMessage());
    }

    @Test
    void aPodWithoutStepAnnotationNeedsTheSteps() throws IOException {
        PodPlanMappingException e = assertThrows(PodPlanMappingException.class, () -> PodPlanMapper.toPodPlan(fullPod()));
        assertTrue(e.getMessage().contains(StepAnnotation.KEY), e.getMessage());
    }

    @Test
    void twoMainContainersAreRejected() throws IOException {
        Pod pod = new PodBuilder(fullPod()).editSpec().addNewContainer().withName("extra").withImage("x").endContainer()
                .endSpec().build();
        PodPlanMappingException e = assertThrows(PodPlanMappingException.class,
                () -> PodPlanMapper.toPodPlan(pod, steps()::get));
        assertTrue(e.getMessage().contains("2 main containers"), e.getMessage());
    }

    @Test
    void invalidJsonInThePlanNamesTheField() throws IOException {
        PodPlan plan = PodPlanMapper.toPodPlan(fullPod(), steps()::get);
        plan.getSettings().setAffinityJson("{\"nodeAffinity\": 3");
        PodPlanMappingException e = assertThrows(PodPlanMappingException.class, () -> PodPlanMapper.toPod(plan));
        assertTrue(e.getMessage().startsWith("settings.affinityJson"), e.getMessage());
    }

    @Test
    void stepAnnotationRoundTrips() {
        Map<String, StepInfo> steps = steps();
        String text = StepAnnotation.write(List.copyOf(steps.entrySet()));
        assertEquals(steps, StepAnnotation.read(text));
        assertThrows(PodPlanMappingException.class, () -> StepAnnotation.read("{}"));
        assertThrows(PodPlanMappingException.class,
                () -> StepAnnotation.read("[{\"container\":\"a\",\"index\":0,\"function\":\"f\",\"role\":\"NOPE\"}]"));
    }

    private static JsonNode tree(Object value) {
        return JSON.valueToTree(value);
    }
}
