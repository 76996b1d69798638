package io.stashflow.api.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ConfigMapEnvSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecretEnvSource;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeDevice;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.stashflow.events.ContainerPortSpec;
import io.stashflow.events.ContainerSpec;
import io.stashflow.events.EnvFromSpec;
import io.stashflow.events.EnvVarSpec;
import io.stashflow.events.OwnerRef;
import io.stashflow.events.PodPlan;
import io.stashflow.events.PodSettings;
import io.stashflow.events.ResourcesSpec;
import io.stashflow.events.StepInfo;
import io.stashflow.events.VolumeDeviceSpec;
import io.stashflow.events.VolumeMountSpec;
import io.stashflow.events.VolumeSpec;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Two-way mapping between a fabric8 {@link Pod} and the Avro {@link PodPlan} of {@code JobPlanned}.
 *
 * <p>The planner turns the pod its resolver built into a plan ({@link #toPodPlan}); the executor turns the plan back
 * into the pod it creates ({@link #toPod}). Typed Kubernetes structures that the schema carries as JSON text (probes,
 * security contexts, affinity, volume sources, ...) are written with the fabric8 model's own Jackson annotations, so
 * the text is exactly what the API server accepts.
 *
 * <p>Rules that are not one-to-one, each chosen so a pod survives {@code toPod(toPodPlan(pod))}:
 * <ul>
 *   <li>unset {@code imagePullPolicy}, {@code terminationMessagePath}, {@code terminationMessagePolicy} and
 *       {@code restartPolicy} become the schema defaults ({@code IfNotPresent}, {@code /dev/termination-log},
 *       {@code File}, {@code Never}), which {@link #toPod} writes out explicitly;</li>
 *   <li>an owner reference's {@code blockOwnerDeletion} follows {@code controller}, as in a Kubernetes controller
 *       reference; an unset {@code controller} reads as {@code false};</li>
 *   <li>each container's {@link StepInfo} travels in the annotation {@link StepAnnotation#KEY}, which {@link #toPod}
 *       writes and {@link #toPodPlan(Pod)} reads (and leaves out of the plan's annotations).</li>
 * </ul>
 * A pod field the schema has no place for is never dropped silently: {@link #toPodPlan} fails and names it. Fields
 * the API server sets ({@code uid}, {@code resourceVersion}, {@code status}, ...) are not part of a plan and are
 * ignored.
 */
public final class PodPlanMapper {

    public static final String DEFAULT_IMAGE_PULL_POLICY = "IfNotPresent";
    public static final String DEFAULT_TERMINATION_MESSAGE_PATH = "/dev/termination-log";
    public static final String DEFAULT_TERMINATION_MESSAGE_POLICY = "File";
    public static final String DEFAULT_RESTART_POLICY = "Never";

    /** Writes model objects as the API server expects them (the model's own inclusion rules). */
    private static final ObjectMapper JSON = new ObjectMapper();
    /** For comparing pods: empty lists, maps and nulls mean "unset" on both sides. */
    private static final ObjectMapper COMPARE = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_EMPTY)
            .build();

    private PodPlanMapper() {
    }

    // ------------------------------------------------------------------------------------------------------------
    // Pod -> PodPlan

    /** A pod that carries its steps in the {@link StepAnnotation#KEY} annotation (a pod built by {@link #toPod}). */
    public static PodPlan toPodPlan(Pod pod) {
        Map<String, String> annotations = pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(StepAnnotation.KEY);
        if (value == null) {
            throw new PodPlanMappingException("pod " + describe(pod) + " has no annotation " + StepAnnotation.KEY
                    + "; pass the step of each container to toPodPlan(pod, steps)", List.of("metadata.annotations"));
        }
        Map<String, StepInfo> steps = StepAnnotation.read(value);
        return toPodPlan(pod, steps::get);
    }

    /**
     * The plan for a pod, with the step of each container given by name.
     *
     * @param steps the step of a container (by container name); returning {@code null} is an error
     * @throws PodPlanMappingException when a container has no step, or the pod sets a field the schema cannot carry
     */
    public static PodPlan toPodPlan(Pod pod, Function<String, StepInfo> steps) {
        Objects.requireNonNull(pod, "pod");
        ObjectMeta meta = pod.getMetadata();
        PodSpec spec = pod.getSpec();
        if (meta == null || meta.getName() == null || meta.getName().isEmpty()) {
            throw new PodPlanMappingException("the pod has no metadata.name; a plan needs the deterministic pod name",
                    List.of("metadata.name"));
        }
        if (meta.getNamespace() == null || meta.getNamespace().isEmpty()) {
            throw new PodPlanMappingException("pod " + meta.getName() + " has no metadata.namespace; set the session's"
                    + " namespace", List.of("metadata.namespace"));
        }
        if (spec == null || spec.getContainers() == null || spec.getContainers().size() != 1) {
            int count = spec == null || spec.getContainers() == null ? 0 : spec.getContainers().size();
            throw new PodPlanMappingException("pod " + describe(pod) + " has " + count + " main containers in"
                    + " spec.containers; a plan has exactly one (every other step is an init container)",
                    List.of("spec.containers"));
        }
        Map<String, String> annotations = new LinkedHashMap<>(nullToEmpty(meta.getAnnotations()));
        annotations.remove(StepAnnotation.KEY);

        List<ContainerSpec> inits = new ArrayList<>();
        for (Container c : nullToEmpty(spec.getInitContainers())) {
            inits.add(toContainerSpec(c, stepOf(pod, c, steps)));
        }
        Container main = spec.getContainers().get(0);
        PodPlan plan = PodPlan.newBuilder()
                .setName(meta.getName())
                .setNamespace(meta.getNamespace())
                .setLabels(new LinkedHashMap<>(nullToEmpty(meta.getLabels())))
                .setAnnotations(annotations)
                .setOwnerReferences(nullToEmpty(meta.getOwnerReferences()).stream().map(PodPlanMapper::toOwnerRef).toList())
                .setInitContainers(inits)
                .setContainer(toContainerSpec(main, stepOf(pod, main, steps)))
                .setVolumes(nullToEmpty(spec.getVolumes()).stream().map(PodPlanMapper::toVolumeSpec).toList())
                .setSettings(toPodSettings(spec))
                .build();
        requireNothingLost(pod, toPod(plan));
        return plan;
    }

    private static StepInfo stepOf(Pod pod, Container container, Function<String, StepInfo> steps) {
        StepInfo step = steps.apply(container.getName());
        if (step == null) {
            throw new PodPlanMappingException("container " + container.getName() + " of pod " + describe(pod)
                    + " has no step information (index, function, role)", List.of("spec.containers"));
        }
        return step;
    }

    static ContainerSpec toContainerSpec(Container c, StepInfo step) {
        if (c.getName() == null || c.getImage() == null) {
            throw new PodPlanMappingException("a container needs a name and an image (container " + c.getName()
                    + ", image " + c.getImage() + ")", List.of("spec.containers"));
        }
        return ContainerSpec.newBuilder()
                .setName(c.getName())
                .setImage(c.getImage())
                .setCommand(new ArrayList<>(nullToEmpty(c.getCommand())))
                .setArgs(new ArrayList<>(nullToEmpty(c.getArgs())))
                .setWorkingDir(c.getWorkingDir())
                .setEnv(nullToEmpty(c.getEnv()).stream().map(PodPlanMapper::toEnvVarSpec).toList())
                .setEnvFrom(nullToEmpty(c.getEnvFrom()).stream().map(PodPlanMapper::toEnvFromSpec).toList())
                .setPorts(nullToEmpty(c.getPorts()).stream().map(p -> ContainerPortSpec.newBuilder()
                        .setName(p.getName())
                        .setContainerPort(p.getContainerPort())
                        .setProtocol(p.getProtocol())
                        .setHostPort(p.getHostPort())
                        .setHostIP(p.getHostIP())
                        .build()).toList())
                .setVolumeMounts(nullToEmpty(c.getVolumeMounts()).stream().map(m -> VolumeMountSpec.newBuilder()
                        .setName(m.getName())
                        .setMountPath(m.getMountPath())
                        .setSubPath(m.getSubPath())
                        .setReadOnly(m.getReadOnly())
                        .setMountPropagation(m.getMountPropagation())
                        .build()).toList())
                .setVolumeDevices(nullToEmpty(c.getVolumeDevices()).stream().map(d -> VolumeDeviceSpec.newBuilder()
                        .setName(d.getName())
                        .setDevicePath(d.getDevicePath())
                        .build()).toList())
                .setResources(toResourcesSpec(c.getResources()))
                .setLivenessProbeJson(json(c.getLivenessProbe()))
                .setReadinessProbeJson(json(c.getReadinessProbe()))
                .setLifecycleJson(json(c.getLifecycle()))
                .setSecurityContextJson(json(c.getSecurityContext()))
                .setImagePullPolicy(orDefault(c.getImagePullPolicy(), DEFAULT_IMAGE_PULL_POLICY))
                .setTerminationMessagePath(orDefault(c.getTerminationMessagePath(), DEFAULT_TERMINATION_MESSAGE_PATH))
                .setTerminationMessagePolicy(orDefault(c.getTerminationMessagePolicy(), DEFAULT_TERMINATION_MESSAGE_POLICY))
                .setStep(step)
                .build();
    }

    private static EnvVarSpec toEnvVarSpec(EnvVar e) {
        return EnvVarSpec.newBuilder()
                .setName(e.getName())
                .setValue(e.getValue())
                .setValueFromJson(json(e.getValueFrom()))
                .build();
    }

    private static EnvFromSpec toEnvFromSpec(EnvFromSource e) {
        if (e.getConfigMapRef() != null && e.getSecretRef() != null) {
            throw new PodPlanMappingException("an envFrom entry names both a ConfigMap (" + e.getConfigMapRef().getName()
                    + ") and a Secret (" + e.getSecretRef().getName() + "); Kubernetes allows one per entry",
                    List.of("envFrom"));
        }
        Boolean optional = e.getConfigMapRef() != null ? e.getConfigMapRef().getOptional()
                : e.getSecretRef() != null ? e.getSecretRef().getOptional() : null;
        return EnvFromSpec.newBuilder()
                .setPrefix(e.getPrefix())
                .setConfigMapName(e.getConfigMapRef() == null ? null : e.getConfigMapRef().getName())
                .setSecretName(e.getSecretRef() == null ? null : e.getSecretRef().getName())
                .setOptional(optional)
                .build();
    }

    private static ResourcesSpec toResourcesSpec(ResourceRequirements r) {
        if (r == null || (isEmpty(r.getLimits()) && isEmpty(r.getRequests()))) {
            return null;
        }
        return ResourcesSpec.newBuilder()
                .setLimits(quantitiesToText(r.getLimits()))
                .setRequests(quantitiesToText(r.getRequests()))
                .build();
    }

    private static OwnerRef toOwnerRef(OwnerReference o) {
        return OwnerRef.newBuilder()
                .setApiVersion(o.getApiVersion())
                .setKind(o.getKind())
                .setName(o.getName())
                .setUid(o.getUid() == null || o.getUid().isEmpty() ? null : o.getUid())
                .setController(Boolean.TRUE.equals(o.getController()))
                .build();
    }

    private static VolumeSpec toVolumeSpec(Volume v) {
        // the source is the volume without its name: copy through JSON so the caller's object is not touched
        JsonNode node = JSON.valueToTree(v);
        ((com.fasterxml.jackson.databind.node.ObjectNode) node).remove("name");
        return VolumeSpec.newBuilder().setName(v.getName()).setSourceJson(node.toString()).build();
    }

    private static PodSettings toPodSettings(PodSpec s) {
        return PodSettings.newBuilder()
                .setRestartPolicy(orDefault(s.getRestartPolicy(), DEFAULT_RESTART_POLICY))
                .setServiceAccountName(s.getServiceAccountName())
                .setAutomountServiceAccountToken(s.getAutomountServiceAccountToken())
                .setNodeName(s.getNodeName())
                .setNodeSelector(new LinkedHashMap<>(nullToEmpty(s.getNodeSelector())))
                .setSecurityContextJson(json(s.getSecurityContext()))
                .setImagePullSecrets(nullToEmpty(s.getImagePullSecrets()).stream().map(LocalObjectReference::getName).toList())
                .setAffinityJson(json(s.getAffinity()))
                .setSchedulerName(s.getSchedulerName())
                .setTolerationsJson(isEmpty(s.getTolerations()) ? null : json(s.getTolerations()))
                .setPriorityClassName(s.getPriorityClassName())
                .setPriority(s.getPriority())
                .setReadinessGatesJson(isEmpty(s.getReadinessGates()) ? null : json(s.getReadinessGates()))
                .setRuntimeClassName(s.getRuntimeClassName())
                .setEnableServiceLinks(s.getEnableServiceLinks())
                .setTopologySpreadConstraintsJson(isEmpty(s.getTopologySpreadConstraints()) ? null
                        : json(s.getTopologySpreadConstraints()))
                .build();
    }

    // ------------------------------------------------------------------------------------------------------------
    // PodPlan -> Pod

    /**
     * The pod a plan describes: {@code apiVersion: v1}, {@code kind: Pod}, with every field the plan carries and the
     * step annotation. Nothing is added that the plan does not say (security defaults, agent labels and owner uids
     * are the executor's business).
     *
     * @throws PodPlanMappingException when a JSON-carried field is not valid Kubernetes JSON
     */
    public static Pod toPod(PodPlan plan) {
        Objects.requireNonNull(plan, "plan");
        List<Map.Entry<String, StepInfo>> steps = new ArrayList<>();
        List<Container> inits = new ArrayList<>();
        for (ContainerSpec c : plan.getInitContainers()) {
            inits.add(toContainer(c));
            steps.add(new AbstractMap.SimpleImmutableEntry<>(c.getName(), c.getStep()));
        }
        steps.add(new AbstractMap.SimpleImmutableEntry<>(plan.getContainer().getName(), plan.getContainer().getStep()));

        Map<String, String> annotations = new LinkedHashMap<>(plan.getAnnotations());
        annotations.put(StepAnnotation.KEY, StepAnnotation.write(steps));

        ObjectMeta meta = new ObjectMeta();
        meta.setName(plan.getName());
        meta.setNamespace(plan.getNamespace());
        meta.setLabels(new LinkedHashMap<>(plan.getLabels()));
        meta.setAnnotations(annotations);
        meta.setOwnerReferences(plan.getOwnerReferences().stream().map(PodPlanMapper::toOwnerReference)
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new)));

        PodSettings s = plan.getSettings();
        PodSpec spec = new PodSpec();
        spec.setInitContainers(inits);
        spec.setContainers(new ArrayList<>(List.of(toContainer(plan.getContainer()))));
        List<Volume> volumes = new ArrayList<>();
        for (VolumeSpec v : plan.getVolumes()) {
            Volume volume = parse(v.getSourceJson(), Volume.class, "volume " + v.getName() + " sourceJson");
            volume.setName(v.getName());
            volumes.add(volume);
        }
        spec.setVolumes(volumes);
        spec.setRestartPolicy(s.getRestartPolicy());
        spec.setServiceAccountName(s.getServiceAccountName());
        spec.setAutomountServiceAccountToken(s.getAutomountServiceAccountToken());
        spec.setNodeName(s.getNodeName());
        spec.setNodeSelector(new LinkedHashMap<>(s.getNodeSelector()));
        spec.setSecurityContext(parse(s.getSecurityContextJson(), PodSecurityContext.class, "settings.securityContextJson"));
        spec.setImagePullSecrets(s.getImagePullSecrets().stream().map(LocalObjectReference::new)
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new)));
        spec.setAffinity(parse(s.getAffinityJson(), Affinity.class, "settings.affinityJson"));
        spec.setSchedulerName(s.getSchedulerName());
        spec.setTolerations(parseList(s.getTolerationsJson(), new TypeReference<List<Toleration>>() { },
                "settings.tolerationsJson"));
        spec.setPriorityClassName(s.getPriorityClassName());
        spec.setPriority(s.getPriority());
        spec.setReadinessGates(parseList(s.getReadinessGatesJson(), new TypeReference<List<PodReadinessGate>>() { },
                "settings.readinessGatesJson"));
        spec.setRuntimeClassName(s.getRuntimeClassName());
        spec.setEnableServiceLinks(s.getEnableServiceLinks());
        spec.setTopologySpreadConstraints(parseList(s.getTopologySpreadConstraintsJson(),
                new TypeReference<List<TopologySpreadConstraint>>() { }, "settings.topologySpreadConstraintsJson"));

        Pod pod = new Pod();
        pod.setApiVersion("v1");
        pod.setKind("Pod");
        pod.setMetadata(meta);
        pod.setSpec(spec);
        return pod;
    }

    static Container toContainer(ContainerSpec c) {
        String where = "container " + c.getName();
        Container container = new Container();
        container.setName(c.getName());
        container.setImage(c.getImage());
        container.setCommand(new ArrayList<>(c.getCommand()));
        container.setArgs(new ArrayList<>(c.getArgs()));
        container.setWorkingDir(c.getWorkingDir());
        List<EnvVar> env = new ArrayList<>();
        for (EnvVarSpec e : c.getEnv()) {
            env.add(new EnvVar(e.getName(), e.getValue(),
                    parse(e.getValueFromJson(), EnvVarSource.class, where + " env " + e.getName() + " valueFromJson")));
        }
        container.setEnv(env);
        List<EnvFromSource> envFrom = new ArrayList<>();
        for (EnvFromSpec e : c.getEnvFrom()) {
            EnvFromSource source = new EnvFromSource();
            source.setPrefix(e.getPrefix());
            if (e.getConfigMapName() != null) {
                source.setConfigMapRef(new ConfigMapEnvSource(e.getConfigMapName(), e.getOptional()));
            }
            if (e.getSecretName() != null) {
                source.setSecretRef(new SecretEnvSource(e.getSecretName(), e.getOptional()));
            }
            envFrom.add(source);
        }
        container.setEnvFrom(envFrom);
        List<ContainerPort> ports = new ArrayList<>();
        for (ContainerPortSpec p : c.getPorts()) {
            ports.add(new ContainerPort(p.getContainerPort(), p.getHostIP(), p.getHostPort(), p.getName(), p.getProtocol()));
        }
        container.setPorts(ports);
        List<VolumeMount> mounts = new ArrayList<>();
        for (VolumeMountSpec m : c.getVolumeMounts()) {
            VolumeMount mount = new VolumeMount();
            mount.setName(m.getName());
            mount.setMountPath(m.getMountPath());
            mount.setSubPath(m.getSubPath());
            mount.setReadOnly(m.getReadOnly());
            mount.setMountPropagation(m.getMountPropagation());
            mounts.add(mount);
        }
        container.setVolumeMounts(mounts);
        List<VolumeDevice> devices = new ArrayList<>();
        for (VolumeDeviceSpec d : c.getVolumeDevices()) {
            devices.add(new VolumeDevice(d.getDevicePath(), d.getName()));
        }
        container.setVolumeDevices(devices);
        if (c.getResources() != null) {
            ResourceRequirements resources = new ResourceRequirements();
            resources.setLimits(textToQuantities(c.getResources().getLimits()));
            resources.setRequests(textToQuantities(c.getResources().getRequests()));
            container.setResources(resources);
        }
        container.setLivenessProbe(parse(c.getLivenessProbeJson(), Probe.class, where + " livenessProbeJson"));
        container.setReadinessProbe(parse(c.getReadinessProbeJson(), Probe.class, where + " readinessProbeJson"));
        container.setLifecycle(parse(c.getLifecycleJson(), Lifecycle.class, where + " lifecycleJson"));
        container.setSecurityContext(parse(c.getSecurityContextJson(), SecurityContext.class, where + " securityContextJson"));
        container.setImagePullPolicy(c.getImagePullPolicy());
        container.setTerminationMessagePath(c.getTerminationMessagePath());
        container.setTerminationMessagePolicy(c.getTerminationMessagePolicy());
        return container;
    }

    private static OwnerReference toOwnerReference(OwnerRef o) {
        OwnerReference ref = new OwnerReference();
        ref.setApiVersion(o.getApiVersion());
        ref.setKind(o.getKind());
        ref.setName(o.getName());
        ref.setUid(o.getUid());
        ref.setController(o.getController());
        // a controller reference blocks deletion of its owner until the pod is gone, as metav1.NewControllerRef does
        ref.setBlockOwnerDeletion(o.getController() ? Boolean.TRUE : null);
        return ref;
    }

    // ------------------------------------------------------------------------------------------------------------
    // the "nothing lost" check

    private static void requireNothingLost(Pod original, Pod rebuilt) {
        List<String> lost = new ArrayList<>();
        JsonNode before = COMPARE.valueToTree(original);
        JsonNode after = COMPARE.valueToTree(rebuilt);
        compareMeta(before.path("metadata"), after.path("metadata"), lost);
        collectLost(before.path("spec"), after.path("spec"), "spec", lost);
        if (!lost.isEmpty()) {
            throw new PodPlanMappingException("pod " + describe(original) + " sets fields that a PodPlan cannot carry: "
                    + String.join(", ", lost) + ". Stop setting them, or add them to"
                    + " api-events/src/main/avro/common/PodPlan.avsc (and PodPlanMapper)", lost);
        }
    }

    private static void compareMeta(JsonNode before, JsonNode after, List<String> lost) {
        for (String field : List.of("name", "namespace", "labels", "annotations", "ownerReferences")) {
            collectLost(before.path(field), after.path(field), "metadata." + field, lost);
        }
    }

    /** Adds the path of every value set in {@code before} that {@code after} does not have with the same value. */
    private static void collectLost(JsonNode before, JsonNode after, String path, List<String> lost) {
        if (before.isMissingNode() || before.isNull()) {
            return;
        }
        if (before.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = before.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                collectLost(field.getValue(), after.path(field.getKey()), path + "." + field.getKey(), lost);
            }
        } else if (before.isArray()) {
            for (int i = 0; i < before.size(); i++) {
                collectLost(before.get(i), after.path(i), path + "[" + i + "]", lost);
            }
        } else if (!sameValue(before, after)) {
            lost.add(path);
        }
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (b.isMissingNode() || b.isNull()) {
            return false;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b) || (a.isValueNode() && b.isValueNode() && a.asText().equals(b.asText()));
    }

    // ------------------------------------------------------------------------------------------------------------
    // helpers

    private static String json(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new PodPlanMappingException("cannot write " + value.getClass().getSimpleName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static <T> T parse(String json, Class<T> type, String field) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new PodPlanMappingException(field + " is not a Kubernetes " + type.getSimpleName() + " in JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static <T> List<T> parseList(String json, TypeReference<List<T>> type, String field) {
        if (json == null) {
            return new ArrayList<>();
        }
        try {
            return new ArrayList<>(JSON.readValue(json, type));
        } catch (JsonProcessingException e) {
            throw new PodPlanMappingException(field + " is not a JSON array of Kubernetes objects: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, String> quantitiesToText(Map<String, Quantity> quantities) {
        Map<String, String> out = new LinkedHashMap<>();
        nullToEmpty(quantities).forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }

    private static Map<String, Quantity> textToQuantities(Map<String, String> text) {
        Map<String, Quantity> out = new LinkedHashMap<>();
        text.forEach((k, v) -> out.put(k, new Quantity(v)));
        return out;
    }

    private static String describe(Pod pod) {
        ObjectMeta m = pod.getMetadata();
        return m == null ? "<unnamed>" : m.getNamespace() + "/" + m.getName();
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }

    private static boolean isEmpty(java.util.Collection<?> c) {
        return c == null || c.isEmpty();
    }

    private static boolean isEmpty(Map<?, ?> m) {
        return m == null || m.isEmpty();
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <K, V> Map<K, V> nullToEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }
}
