package io.stashflow.planner.resolver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LifecycleBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.LocalObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodReadinessGateBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.stashflow.api.model.ContainerRuntimeSettings;
import io.stashflow.api.model.PodRuntimeSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kmodules offshoot-api {@code ApplyContainerRuntimeSettings} / {@code ApplyPodRuntimeSettings} (section 2.6),
 * rule for rule. Values taken from the settings are copied (fabric8 builders copy deeply), so the resulting pod
 * never shares mutable objects with the definitions it came from.
 */
public final class RuntimeSettingsMerge {

    /** Env var names the addon images read to wrap restic with {@code nice}/{@code ionice}. */
    public static final String NICE_ADJUSTMENT = "NICE_ADJUSTMENT";
    public static final String IONICE_CLASS = "IONICE_CLASS";
    public static final String IONICE_CLASS_DATA = "IONICE_CLASS_DATA";

    private RuntimeSettingsMerge() {
    }

    /**
     * Applies container-level runtime settings to {@code container} in place:
     * <ul>
     * <li>{@code resources.limits} replace the container's limits when non-empty; {@code resources.requests}
     * replace the container's requests <em>only when the limits are non-empty</em> (Stash tests the limits
     * twice; a request-only setting is therefore ignored);</li>
     * <li>probes, lifecycle and securityContext replace when set;</li>
     * <li>{@code envFrom} is appended; {@code env} is upserted by name;</li>
     * <li>{@code nice.adjustment} and {@code ionice.class}/{@code classData} become the env vars
     * {@code NICE_ADJUSTMENT}, {@code IONICE_CLASS}, {@code IONICE_CLASS_DATA} (upserted).</li>
     * </ul>
     */
    public static void applyToContainer(Container container, ContainerRuntimeSettings settings) {
        if (settings == null) {
            return;
        }
        ResourceRequirements resources = settings.resources();
        if (resources != null && resources.getLimits() != null && !resources.getLimits().isEmpty()) {
            ResourceRequirements target = container.getResources() == null
                    ? new ResourceRequirements() : container.getResources();
            target.setLimits(copyQuantities(resources.getLimits()));
            target.setRequests(copyQuantities(resources.getRequests()));
            container.setResources(target);
        }
        if (settings.livenessProbe() != null) {
            container.setLivenessProbe(new ProbeBuilder(settings.livenessProbe()).build());
        }
        if (settings.readinessProbe() != null) {
            container.setReadinessProbe(new ProbeBuilder(settings.readinessProbe()).build());
        }
        if (settings.lifecycle() != null) {
            container.setLifecycle(new LifecycleBuilder(settings.lifecycle()).build());
        }
        if (settings.securityContext() != null) {
            container.setSecurityContext(new SecurityContextBuilder(settings.securityContext()).build());
        }
        if (!settings.envFrom().isEmpty()) {
            List<EnvFromSource> envFrom = new ArrayList<>(nullToEmpty(container.getEnvFrom()));
            for (EnvFromSource source : settings.envFrom()) {
                envFrom.add(new EnvFromSourceBuilder(source).build());
            }
            container.setEnvFrom(envFrom);
        }
        List<EnvVar> env = new ArrayList<>(nullToEmpty(container.getEnv()));
        for (EnvVar var : settings.env()) {
            env = upsertEnv(env, new EnvVarBuilder(var).build());
        }
        if (settings.nice() != null && settings.nice().adjustment() != null) {
            env = upsertEnv(env, new EnvVar(NICE_ADJUSTMENT, Integer.toString(settings.nice().adjustment()), null));
        }
        if (settings.ionice() != null) {
            if (settings.ionice().ioClass() != null) {
                env = upsertEnv(env, new EnvVar(IONICE_CLASS, Integer.toString(settings.ionice().ioClass()), null));
            }
            if (settings.ionice().classData() != null) {
                env = upsertEnv(env,
                        new EnvVar(IONICE_CLASS_DATA, Integer.toString(settings.ionice().classData()), null));
            }
        }
        container.setEnv(env);
    }

    /**
     * Applies pod-level runtime settings to {@code spec} in place. {@code nodeSelector}, service account,
     * {@code nodeName}, {@code securityContext}, {@code affinity}, {@code schedulerName}, {@code tolerations},
     * priority, readiness gates, runtime class, service links and topology spread constraints replace when set;
     * {@code imagePullSecrets} are merged by name. Labels and annotations are not part of the pod spec; the
     * resolver puts them into the pod's metadata.
     */
    public static void applyToPod(PodSpec spec, PodRuntimeSettings settings) {
        if (settings == null) {
            return;
        }
        if (!settings.nodeSelector().isEmpty()) {
            spec.setNodeSelector(new LinkedHashMap<>(settings.nodeSelector()));
        }
        if (notEmpty(settings.serviceAccountName())) {
            spec.setServiceAccountName(settings.serviceAccountName());
        }
        if (settings.automountServiceAccountToken() != null) {
            spec.setAutomountServiceAccountToken(settings.automountServiceAccountToken());
        }
        if (notEmpty(settings.nodeName())) {
            spec.setNodeName(settings.nodeName());
        }
        if (settings.securityContext() != null) {
            spec.setSecurityContext(new PodSecurityContextBuilder(settings.securityContext()).build());
        }
        if (!settings.imagePullSecrets().isEmpty()) {
            spec.setImagePullSecrets(mergeLocalObjectReferences(nullToEmpty(spec.getImagePullSecrets()),
                    settings.imagePullSecrets()));
        }
        if (settings.affinity() != null) {
            spec.setAffinity(new AffinityBuilder(settings.affinity()).build());
        }
        if (notEmpty(settings.schedulerName())) {
            spec.setSchedulerName(settings.schedulerName());
        }
        if (!settings.tolerations().isEmpty()) {
            spec.setTolerations(settings.tolerations().stream().map(t -> new TolerationBuilder(t).build()).toList());
        }
        if (notEmpty(settings.priorityClassName())) {
            spec.setPriorityClassName(settings.priorityClassName());
        }
        if (settings.priority() != null) {
            spec.setPriority(settings.priority());
        }
        if (!settings.readinessGates().isEmpty()) {
            spec.setReadinessGates(
                    settings.readinessGates().stream().map(g -> new PodReadinessGateBuilder(g).build()).toList());
        }
        if (settings.runtimeClassName() != null) {
            spec.setRuntimeClassName(settings.runtimeClassName());
        }
        if (settings.enableServiceLinks() != null) {
            spec.setEnableServiceLinks(settings.enableServiceLinks());
        }
        if (!settings.topologySpreadConstraints().isEmpty()) {
            spec.setTopologySpreadConstraints(settings.topologySpreadConstraints().stream()
                    .map(c -> new TopologySpreadConstraintBuilder(c).build()).toList());
        }
    }

    /**
     * Stash's {@code UpsertPodSecurityContext(current, new)}: every field set in {@code overlay} replaces the
     * field of {@code base}; fields the overlay leaves unset keep the base's value. Used for the restore
     * default ({@code runAsUser: 0, runAsGroup: 0}) so that the user's values win.
     */
    public static PodSecurityContext upsertPodSecurityContext(PodSecurityContext base, PodSecurityContext overlay) {
        if (overlay == null) {
            return base == null ? null : new PodSecurityContextBuilder(base).build();
        }
        if (base == null) {
            return new PodSecurityContextBuilder(overlay).build();
        }
        ObjectNode merged = Json.MAPPER.valueToTree(base);
        ObjectNode top = Json.MAPPER.valueToTree(overlay);
        for (var field : top.properties()) {
            if (!field.getValue().isNull()) {
                merged.set(field.getKey(), field.getValue());
            }
        }
        return Json.MAPPER.convertValue(merged, PodSecurityContext.class);
    }

    /** Upsert by name: replaces the variable with the same name in place, or appends. */
    public static List<EnvVar> upsertEnv(List<EnvVar> env, EnvVar var) {
        List<EnvVar> result = new ArrayList<>(env);
        for (int i = 0; i < result.size(); i++) {
            if (var.getName() != null && var.getName().equals(result.get(i).getName())) {
                result.set(i, var);
                return result;
            }
        }
        result.add(var);
        return result;
    }

    /** kmodules {@code MergeLocalObjectReferences}: the union by name, existing entries first. */
    static List<LocalObjectReference> mergeLocalObjectReferences(List<LocalObjectReference> existing,
            List<LocalObjectReference> added) {
        Set<String> names = new LinkedHashSet<>();
        List<LocalObjectReference> result = new ArrayList<>();
        for (LocalObjectReference ref : existing) {
            if (names.add(ref.getName())) {
                result.add(new LocalObjectReferenceBuilder(ref).build());
            }
        }
        for (LocalObjectReference ref : added) {
            if (names.add(ref.getName())) {
                result.add(new LocalObjectReferenceBuilder(ref).build());
            }
        }
        return result;
    }

    private static Map<String, Quantity> copyQuantities(Map<String, Quantity> quantities) {
        Map<String, Quantity> copy = new LinkedHashMap<>();
        if (quantities != null) {
            quantities.forEach((name, q) -> copy.put(name, new Quantity(q.getAmount(), q.getFormat())));
        }
        return copy;
    }

    private static boolean notEmpty(String value) {
        return value != null && !value.isEmpty();
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
