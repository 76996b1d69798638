package io.stashflow.planner.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LifecycleBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.stashflow.api.model.ContainerRuntimeSettings;
import io.stashflow.api.model.IONiceSettings;
import io.stashflow.api.model.NiceSettings;
import io.stashflow.api.model.PodRuntimeSettings;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runtimeSettings merge rules of section 2.6, one by one. */
class RuntimeSettingsMergeTest {

    private static Container functionContainer() {
        return new ContainerBuilder().withName("fn-0")
                .withNewResources().addToLimits("cpu", new Quantity("1")).addToRequests("cpu", new Quantity("100m"))
                .addToRequests("memory", new Quantity("64Mi")).endResources()
                .addNewEnv().withName("A").withValue("fn").endEnv()
                .addNewEnv().withName("B").withValue("fn").endEnv()
                .addNewEnvFrom().withNewSecretRef().withName("fn-secret").endSecretRef().endEnvFrom()
                .build();
    }

    private static ContainerRuntimeSettings container(ResourceRequirements resources, Probe liveness,
            List<io.fabric8.kubernetes.api.model.EnvFromSource> envFrom, List<EnvVar> env, NiceSettings nice,
            IONiceSettings ionice) {
        return new ContainerRuntimeSettings(resources, liveness, null, null, null, nice, ionice, envFrom, env);
    }

    @Test
    void limitsReplaceAndRequestsReplaceOnlyTogetherWithLimits() {
        Container c = functionContainer();
        RuntimeSettingsMerge.applyToContainer(c, container(new ResourceRequirementsBuilder()
                .addToLimits("cpu", new Quantity("2")).build(), null, null, null, null, null));
        assertEquals("2", c.getResources().getLimits().get("cpu").toString());
        assertTrue(c.getResources().getRequests().isEmpty(),
                "limits without requests wipe the Function's requests (Stash copies both when limits are set)");
    }

    @Test
    void requestsWithoutLimitsAreIgnored() {
        Container c = functionContainer();
        RuntimeSettingsMerge.applyToContainer(c, container(new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("500m")).build(), null, null, null, null, null));
        assertEquals("100m", c.getResources().getRequests().get("cpu").toString(), "Stash's quirk: limits are tested twice");
        assertEquals("1", c.getResources().getLimits().get("cpu").toString());
    }

    @Test
    void limitsAndRequestsReplaceTogether() {
        Container c = functionContainer();
        RuntimeSettingsMerge.applyToContainer(c, container(new ResourceRequirementsBuilder()
                .addToLimits("memory", new Quantity("1Gi")).addToRequests("memory", new Quantity("512Mi")).build(),
                null, null, null, null, null));
        assertEquals(Map.of("memory", new Quantity("1Gi")), c.getResources().getLimits());
        assertEquals(Map.of("memory", new Quantity("512Mi")), c.getResources().getRequests());
    }

    @Test
    void probesLifecycleAndSecurityContextReplaceWhenSet() {
        Container c = functionContainer();
        c.setReadinessProbe(new ProbeBuilder().withInitialDelaySeconds(1).build());
        Probe liveness = new ProbeBuilder().withNewExec().withCommand("true").endExec().build();
        ContainerRuntimeSettings settings = new ContainerRuntimeSettings(null, liveness, null,
                new LifecycleBuilder().withNewPreStop().withNewExec().withCommand("stop").endExec().endPreStop().build(),
                new SecurityContextBuilder().withRunAsNonRoot(true).build(), null, null, null, null);
        RuntimeSettingsMerge.applyToContainer(c, settings);
        assertEquals(List.of("true"), c.getLivenessProbe().getExec().getCommand());
        assertNotSame(liveness, c.getLivenessProbe(), "settings are copied, not shared");
        assertEquals(1, c.getReadinessProbe().getInitialDelaySeconds(), "unset settings keep the Function's");
        assertEquals(List.of("stop"), c.getLifecycle().getPreStop().getExec().getCommand());
        assertTrue(c.getSecurityContext().getRunAsNonRoot());
    }

    @Test
    void envFromIsAppended() {
        Container c = functionContainer();
        RuntimeSettingsMerge.applyToContainer(c, container(null, null,
                List.of(new EnvFromSourceBuilder().withNewConfigMapRef().withName("cm").endConfigMapRef().build()),
                null, null, null));
        assertEquals(2, c.getEnvFrom().size());
        assertEquals("fn-secret", c.getEnvFrom().get(0).getSecretRef().getName());
        assertEquals("cm", c.getEnvFrom().get(1).getConfigMapRef().getName());
    }

    @Test
    void envIsUpsertedByName() {
        Container c = functionContainer();
        RuntimeSettingsMerge.applyToContainer(c, container(null, null, null,
                List.of(new EnvVar("B", "invoker", null), new EnvVar("C", "invoker", null)), null, null));
        assertEquals(List.of("A=fn", "B=invoker", "C=invoker"),
                c.getEnv().stream().map(e -> e.getName() + "=" + e.getValue()).toList(), "replaced in place, new appended");
    }

    @Test
    void niceAndIoniceBecomeEnvVars() {
        Container c = functionContainer();
        RuntimeSettingsMerge.applyToContainer(c, container(null, null, null,
                List.of(new EnvVar("NICE_ADJUSTMENT", "1", null)), new NiceSettings(10), new IONiceSettings(3, 7)));
        Map<String, String> env = c.getEnv().stream().collect(java.util.stream.Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertEquals("10", env.get("NICE_ADJUSTMENT"), "nice wins over a plain env var of the same name");
        assertEquals("3", env.get("IONICE_CLASS"));
        assertEquals("7", env.get("IONICE_CLASS_DATA"));
        assertEquals(List.of("A", "B", "NICE_ADJUSTMENT", "IONICE_CLASS", "IONICE_CLASS_DATA"),
                c.getEnv().stream().map(EnvVar::getName).toList());
    }

    @Test
    void ioniceClassDataAloneGivesOnlyItsVariable() {
        Container c = new Container();
        RuntimeSettingsMerge.applyToContainer(c, container(null, null, null, null, new NiceSettings(null),
                new IONiceSettings(null, 2)));
        assertEquals(List.of("IONICE_CLASS_DATA"), c.getEnv().stream().map(EnvVar::getName).toList());
    }

    private static PodRuntimeSettings pod(Map<String, String> nodeSelector, String serviceAccount,
            PodSecurityContext securityContext, List<LocalObjectReference> pullSecrets, String priorityClass,
            Integer priority) {
        return new PodRuntimeSettings(null, null, nodeSelector, serviceAccount, null, null, null, securityContext,
                pullSecrets, null, null, null, priorityClass, priority, null, null, null, null);
    }

    @Test
    void podSettingsReplaceWhenSet() {
        PodSpec spec = new PodSpec();
        spec.setNodeSelector(Map.of("old", "x"));
        spec.setSecurityContext(new PodSecurityContextBuilder().withRunAsUser(65535L).build());
        RuntimeSettingsMerge.applyToPod(spec, pod(Map.of("disk", "ssd"), "backup-sa",
                new PodSecurityContextBuilder().withFsGroup(2000L).build(), null, "high", 10));
        assertEquals(Map.of("disk", "ssd"), spec.getNodeSelector());
        assertEquals("backup-sa", spec.getServiceAccountName());
        assertEquals(2000L, spec.getSecurityContext().getFsGroup());
        assertNull(spec.getSecurityContext().getRunAsUser(), "the pod security context is replaced, not merged");
        assertEquals("high", spec.getPriorityClassName());
        assertEquals(10, spec.getPriority());
    }

    @Test
    void unsetPodSettingsKeepTheSpec() {
        PodSpec spec = new PodSpec();
        spec.setNodeSelector(Map.of("old", "x"));
        spec.setSecurityContext(new PodSecurityContextBuilder().withRunAsUser(65535L).build());
        RuntimeSettingsMerge.applyToPod(spec, pod(Map.of(), "", null, null, null, null));
        assertEquals(Map.of("old", "x"), spec.getNodeSelector());
        assertEquals(65535L, spec.getSecurityContext().getRunAsUser());
        assertNull(spec.getServiceAccountName());
    }

    @Test
    void imagePullSecretsAreMergedByName() {
        PodSpec spec = new PodSpec();
        spec.setImagePullSecrets(List.of(new LocalObjectReference("a"), new LocalObjectReference("b")));
        RuntimeSettingsMerge.applyToPod(spec, pod(null, null, null,
                List.of(new LocalObjectReference("b"), new LocalObjectReference("c")), null, null));
        assertEquals(List.of("a", "b", "c"), spec.getImagePullSecrets().stream().map(LocalObjectReference::getName).toList());
    }

    @Test
    void affinityTolerationsAndFlagsReplace() {
        PodSpec spec = new PodSpec();
        spec.setTolerations(List.of(new TolerationBuilder().withKey("old").build()));
        PodRuntimeSettings settings = new PodRuntimeSettings(null, null, null, null, null, false, "node-1", null, null,
                new AffinityBuilder().withNewNodeAffinity().endNodeAffinity().build(), "sched",
                List.of(new TolerationBuilder().withKey("new").build()), null, null, null, "gvisor", false, null);
        RuntimeSettingsMerge.applyToPod(spec, settings);
        assertEquals("new", spec.getTolerations().get(0).getKey());
        assertEquals(1, spec.getTolerations().size());
        assertTrue(spec.getAffinity().getNodeAffinity() != null);
        assertEquals("sched", spec.getSchedulerName());
        assertEquals("node-1", spec.getNodeName());
        assertEquals(false, spec.getAutomountServiceAccountToken());
        assertEquals("gvisor", spec.getRuntimeClassName());
        assertEquals(false, spec.getEnableServiceLinks());
    }

    @Test
    void podSecurityContextUpsertKeepsBaseFieldsTheOverlayLeavesUnset() {
        PodSecurityContext root = new PodSecurityContextBuilder().withRunAsUser(0L).withRunAsGroup(0L).build();
        PodSecurityContext user = new PodSecurityContextBuilder().withRunAsUser(1000L).withFsGroup(3000L).build();
        PodSecurityContext merged = RuntimeSettingsMerge.upsertPodSecurityContext(root, user);
        assertEquals(1000L, merged.getRunAsUser(), "the user's value wins");
        assertEquals(0L, merged.getRunAsGroup(), "the default stays under");
        assertEquals(3000L, merged.getFsGroup());
        assertEquals(0L, RuntimeSettingsMerge.upsertPodSecurityContext(root, null).getRunAsUser());
        assertEquals(0L, root.getRunAsUser(), "inputs are not changed");
    }
}
