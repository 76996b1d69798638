package io.stashflow.executor.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one container of a planned pod into a host process description: argv, environment, working directory and
 * where its termination message and output go. Creates the run's volume directories as a side effect.
 *
 * <p>Volumes (read-only mounts are not enforced locally):
 * <ul>
 *   <li>{@code emptyDir} → {@code <run>/volumes/<volume>}, one per run, like a pod's;</li>
 *   <li>{@code persistentVolumeClaim} → {@code <work>/claims/<namespace>/<claim>}, shared by every run, so a restore
 *       sees what a backup of the same claim saw;</li>
 *   <li>{@code hostPath} → the path itself;</li>
 *   <li>{@code secret} → {@code <run>/volumes/<volume>} with one file per key from the {@link SecretSource};</li>
 *   <li>anything else fails the step with reason {@code UnsupportedVolume}.</li>
 * </ul>
 * Mount paths and the termination message path are mapped with a {@link MountMap}; a termination message path outside
 * every mount becomes {@code <run>/termination/<container>}. A working directory outside every mount becomes
 * {@code <run>/workdir}.
 *
 * <p>Environment: a clean one — {@code PATH}, {@code LANG}, {@code LC_ALL}, {@code TZ}, {@code JAVA_HOME} from the
 * agent, {@code HOME} and {@code TMPDIR} inside the run, {@code HOSTNAME} = the pod name — then {@code envFrom}, then
 * {@code env}, with {@code $(VAR)} references expanded as the kubelet does.
 *
 * <p>{@code NICE_ADJUSTMENT} (-20..19) and {@code IONICE_CLASS}/{@code IONICE_CLASS_DATA} in the resulting environment
 * are applied for real by prefixing {@code ionice -c CLASS [-n DATA]} and {@code nice -n ADJUSTMENT}, when those
 * programs exist on the host (a warning is logged otherwise).
 */
public final class LocalStepPreparer {

    public static final String TMP_MOUNT = "/stash-tmp";
    public static final String DEFAULT_OUTPUT_DIR = "/stash-tmp/output";
    public static final String OUTPUT_FILE = "output.json";
    /** Tells a step where its termination message file is when that is not the path the plan names. */
    public static final String TERMINATION_MESSAGE_PATH_VARIABLE = "STASHFLOW_TERMINATION_MESSAGE_PATH";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> INHERITED = List.of("PATH", "LANG", "LC_ALL", "TZ", "JAVA_HOME");

    /** A container ready to run. */
    public record PreparedStep(List<String> argv, Map<String, String> env, Path workingDir, Path terminationFile,
                               Path outputFile, Path logFile, List<String> warnings) {
    }

    /** The host's {@code nice}/{@code ionice} programs, when present. */
    public record Tools(Optional<String> nice, Optional<String> ionice) {

        public static Tools detect() {
            return new Tools(findOnPath("nice"), findOnPath("ionice"));
        }

        public static Tools none() {
            return new Tools(Optional.empty(), Optional.empty());
        }

        private static Optional<String> findOnPath(String program) {
            String path = System.getenv("PATH");
            if (path == null) {
                return Optional.empty();
            }
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, program);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate.toString());
                }
            }
            return Optional.empty();
        }
    }

    private final SecretSource secrets;
    private final EntrypointMap entrypoints;
    private final Tools tools;
    private final Map<String, String> hostEnv;

    public LocalStepPreparer(SecretSource secrets, EntrypointMap entrypoints, Tools tools, Map<String, String> hostEnv) {
        this.secrets = secrets;
        this.entrypoints = entrypoints;
        this.tools = tools;
        this.hostEnv = Map.copyOf(hostEnv);
    }

    /**
     * @param runDir    {@code <work>/runs/<namespace>/<pod>}
     * @param claimsDir {@code <work>/claims}
     */
    public PreparedStep prepare(Pod pod, Container container, Path runDir, Path claimsDir, String runUid)
            throws StepSetupException {
        String namespace = pod.getMetadata().getNamespace();
        String podName = pod.getMetadata().getName();
        List<String> warnings = new ArrayList<>();

        // volumes and mounts
        Map<String, Volume> volumes = new LinkedHashMap<>();
        for (Volume v : pod.getSpec().getVolumes()) {
            volumes.put(v.getName(), v);
        }
        List<MountMap.Entry> entries = new ArrayList<>();
        for (VolumeMount mount : container.getVolumeMounts()) {
            Volume volume = volumes.get(mount.getName());
            if (volume == null) {
                throw new StepSetupException("InvalidPlan", "container " + container.getName() + " mounts volume "
                        + mount.getName() + " at " + mount.getMountPath() + ", but pod " + namespace + "/" + podName
                        + " has no such volume");
            }
            Path dir = volumeDirectory(volume, namespace, runDir, claimsDir, container.getName());
            if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
                dir = dir.resolve(mount.getSubPath());
            }
            mkdirs(dir);
            entries.add(new MountMap.Entry(mount.getMountPath(), dir));
        }
        MountMap mounts = new MountMap(entries);
        String terminationPath = container.getTerminationMessagePath() == null ? "/dev/termination-log"
                : container.getTerminationMessagePath();
        Path terminationFile = mounts.resolve(terminationPath);
        if (terminationFile == null) {
            terminationFile = runDir.resolve("termination").resolve(container.getName());
        }
        entries.add(new MountMap.Entry(terminationPath, terminationFile));
        mounts = new MountMap(entries);
        mkdirs(terminationFile.getParent());

        // environment
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : INHERITED) {
            String value = hostEnv.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        Path home = runDir.resolve("home");
        Path tmp = runDir.resolve("tmp");
        mkdirs(home);
        mkdirs(tmp);
        env.put("HOME", home.toString());
        env.put("TMPDIR", tmp.toString());
        env.put("HOSTNAME", podName);
        // where the kubelet would read the termination message from; Stashflow's built-in functions honour it
        env.put(TERMINATION_MESSAGE_PATH_VARIABLE, terminationFile.toString());
        for (EnvFromSource from : container.getEnvFrom()) {
            addEnvFrom(env, from, namespace, container.getName());
        }
        for (EnvVar var : container.getEnv()) {
            env.put(var.getName(), envValue(var, env, mounts, pod, container, runUid));
        }

        // command
        List<String> command = new ArrayList<>();
        for (String c : container.getCommand()) {
            command.add(mounts.rewrite(DependentVariables.expand(c, env)));
        }
        List<String> args = new ArrayList<>();
        for (String a : container.getArgs()) {
            args.add(mounts.rewrite(DependentVariables.expand(a, env)));
        }
        List<String> argv = new ArrayList<>();
        if (command.isEmpty()) {
            List<String> entry = entrypoints.lookup(container.getImage()).orElseThrow(() -> new StepSetupException(
                    "UnmappedImage", "container " + container.getName() + " has no command and its image \""
                    + container.getImage() + "\" has no local entrypoint; add one to the setting "
                    + EntrypointMap.SETTING + " (IMAGE=PROGRAM [ARG...]), e.g. "
                    + EntrypointMap.repositoryOf(container.getImage()) + "=/usr/local/bin/<program>"));
            argv.addAll(entry);
        } else {
            argv.addAll(command);
        }
        argv.addAll(args);
        argv = withPriority(argv, env, container.getName(), warnings);

        // working directory
        Path workingDir = null;
        if (container.getWorkingDir() != null && !container.getWorkingDir().isEmpty()) {
            workingDir = mounts.resolve(container.getWorkingDir());
        }
        if (workingDir == null) {
            workingDir = runDir.resolve("workdir");
        }
        mkdirs(workingDir);

        Path outputFile = outputFile(args, mounts);
        Path logFile = runDir.resolve("logs").resolve(container.getName() + ".log");
        mkdirs(logFile.getParent());
        return new PreparedStep(List.copyOf(argv), env, workingDir, terminationFile, outputFile, logFile,
                List.copyOf(warnings));
    }

    private Path volumeDirectory(Volume volume, String namespace, Path runDir, Path claimsDir, String container)
            throws StepSetupException {
        if (volume.getEmptyDir() != null) {
            return runDir.resolve("volumes").resolve(volume.getName());
        }
        if (volume.getPersistentVolumeClaim() != null) {
            return claimsDir.resolve(namespace).resolve(volume.getPersistentVolumeClaim().getClaimName());
        }
        if (volume.getHostPath() != null) {
            return Path.of(volume.getHostPath().getPath());
        }
        if (volume.getSecret() != null) {
            Path dir = runDir.resolve("volumes").resolve(volume.getName());
            writeSecretVolume(volume, namespace, dir, container);
            return dir;
        }
        throw new StepSetupException("UnsupportedVolume", "volume " + volume.getName() + " mounted by container "
                + container + " uses a " + sourceKind(volume) + " source, which the local runtime cannot provide;"
                + " it supports emptyDir, persistentVolumeClaim, hostPath and secret");
    }

    private void writeSecretVolume(Volume volume, String namespace, Path dir, String container)
            throws StepSetupException {
        String name = volume.getSecret().getSecretName();
        Optional<Map<String, byte[]>> secret = lookup(namespace, name);
        if (secret.isEmpty()) {
            if (Boolean.TRUE.equals(volume.getSecret().getOptional())) {
                return;
            }
            throw new StepSetupException("CreateContainerConfigError", "secret " + namespace + "/" + name
                    + " for volume " + volume.getName() + " of container " + container + " not found in "
                    + secrets.describe());
        }
        mkdirs(dir);
        Map<String, String> paths = new LinkedHashMap<>();
        List<KeyToPath> items = volume.getSecret().getItems();
        if (items == null || items.isEmpty()) {
            secret.get().keySet().forEach(k -> paths.put(k, k));
        } else {
            items.forEach(i -> paths.put(i.getKey(), i.getPath()));
        }
        for (Map.Entry<String, String> p : paths.entrySet()) {
            byte[] value = secret.get().get(p.getKey());
            if (value == null) {
                throw new StepSetupException("CreateContainerConfigError", "secret " + namespace + "/" + name
                        + " has no key " + p.getKey() + " (volume " + volume.getName() + ")");
            }
            try {
                Path file = dir.resolve(p.getValue());
                mkdirs(file.getParent());
                Files.write(file, value);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write secret volume file in " + dir, e);
            }
        }
    }

    private Optional<Map<String, byte[]>> lookup(String namespace, String name) throws StepSetupException {
        try {
            return secrets.secret(namespace, name);
        } catch (RuntimeException e) {
            throw new StepSetupException("CreateContainerConfigError", "cannot read secret " + namespace + "/" + name
                    + ": " + e.getMessage());
        }
    }

    private void addEnvFrom(Map<String, String> env, EnvFromSource from, String namespace, String container)
            throws StepSetupException {
        String prefix = from.getPrefix() == null ? "" : from.getPrefix();
        if (from.getSecretRef() != null) {
            String name = from.getSecretRef().getName();
            Optional<Map<String, byte[]>> secret = lookup(namespace, name);
            if (secret.isEmpty()) {
                if (Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
                    return;
                }
                throw new StepSetupException("CreateContainerConfigError", "secret " + namespace + "/" + name
                        + " (envFrom of container " + container + ") not found in " + secrets.describe());
            }
            secret.get().forEach((k, v) -> env.put(prefix + k, new String(v, StandardCharsets.UTF_8)));
        } else if (from.getConfigMapRef() != null && !Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
            throw new StepSetupException("UnsupportedSetting", "container " + container + " takes environment from"
                    + " ConfigMap " + from.getConfigMapRef().getName() + "; the local runtime has no ConfigMaps"
                    + " (mark it optional or use env values)");
        }
    }

    private String envValue(EnvVar var, Map<String, String> env, MountMap mounts, Pod pod, Container container,
                            String runUid) throws StepSetupException {
        if (var.getValueFrom() == null) {
            return var.getValue() == null ? "" : mounts.rewrite(DependentVariables.expand(var.getValue(), env));
        }
        EnvVarSource from = var.getValueFrom();
        String namespace = pod.getMetadata().getNamespace();
        if (from.getSecretKeyRef() != null) {
            String name = from.getSecretKeyRef().getName();
            String key = from.getSecretKeyRef().getKey();
            boolean optional = Boolean.TRUE.equals(from.getSecretKeyRef().getOptional());
            Optional<Map<String, byte[]>> secret = lookup(namespace, name);
            byte[] value = secret.map(s -> s.get(key)).orElse(null);
            if (value == null) {
                if (optional) {
                    return "";
                }
                throw new StepSetupException("CreateContainerConfigError", "env " + var.getName() + " of container "
                        + container.getName() + " needs key " + key + " of secret " + namespace + "/" + name
                        + ", not found in " + secrets.describe());
            }
            return new String(value, StandardCharsets.UTF_8);
        }
        if (from.getFieldRef() != null) {
            String field = from.getFieldRef().getFieldPath();
            return switch (field) {
                case "metadata.name" -> pod.getMetadata().getName();
                case "metadata.namespace" -> namespace;
                case "metadata.uid" -> runUid;
                case "spec.nodeName", "spec.serviceAccountName" -> field.equals("spec.nodeName") ? hostName()
                        : String.valueOf(pod.getSpec().getServiceAccountName());
                case "status.podIP", "status.hostIP" -> "127.0.0.1";
                default -> labelOrAnnotation(field, pod);
            };
        }
        if (from.getResourceFieldRef() != null) {
            String resource = from.getResourceFieldRef().getResource();
            if (container.getResources() != null) {
                Map<String, Quantity> source = resource.startsWith("limits.") ? container.getResources().getLimits()
                        : container.getResources().getRequests();
                Quantity q = source == null ? null : source.get(resource.substring(resource.indexOf('.') + 1));
                if (q != null) {
                    return q.toString();
                }
            }
            return "0";
        }
        if (from.getConfigMapKeyRef() != null) {
            if (Boolean.TRUE.equals(from.getConfigMapKeyRef().getOptional())) {
                return "";
            }
            throw new StepSetupException("UnsupportedSetting", "env " + var.getName() + " of container "
                    + container.getName() + " reads ConfigMap " + from.getConfigMapKeyRef().getName()
                    + "; the local runtime has no ConfigMaps (mark it optional or use a value)");
        }
        return "";
    }

    private static String labelOrAnnotation(String field, Pod pod) {
        for (String kind : List.of("labels", "annotations")) {
            String prefix = "metadata." + kind + "['";
            if (field.startsWith(prefix) && field.endsWith("']")) {
                String key = field.substring(prefix.length(), field.length() - 2);
                Map<String, String> map = kind.equals("labels") ? pod.getMetadata().getLabels()
                        : pod.getMetadata().getAnnotations();
                return map == null ? "" : map.getOrDefault(key, "");
            }
        }
        return "";
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private List<String> withPriority(List<String> argv, Map<String, String> env, String container,
                                      List<String> warnings) throws StepSetupException {
        List<String> prefix = new ArrayList<>();
        String ioClass = blankToNull(env.get("IONICE_CLASS"));
        String ioData = blankToNull(env.get("IONICE_CLASS_DATA"));
        String nice = blankToNull(env.get("NICE_ADJUSTMENT"));
        if (ioClass != null) {
            int c = intIn("IONICE_CLASS", ioClass, 0, 3, container);
            if (tools.ionice().isPresent()) {
                prefix.add(tools.ionice().get());
                prefix.add("-c");
                prefix.add(Integer.toString(c));
                if (ioData != null) {
                    prefix.add("-n");
                    prefix.add(Integer.toString(intIn("IONICE_CLASS_DATA", ioData, 0, 7, container)));
                }
            } else {
                warnings.add("IONICE_CLASS=" + ioClass + " not applied: no ionice program on PATH");
            }
        }
        if (nice != null) {
            int n = intIn("NICE_ADJUSTMENT", nice, -20, 19, container);
            if (tools.nice().isPresent()) {
                prefix.add(tools.nice().get());
                prefix.add("-n");
                prefix.add(Integer.toString(n));
            } else {
                warnings.add("NICE_ADJUSTMENT=" + nice + " not applied: no nice program on PATH");
            }
        }
        if (prefix.isEmpty()) {
            return argv;
        }
        prefix.addAll(argv);
        return prefix;
    }

    private static int intIn(String name, String value, int min, int max, String container) throws StepSetupException {
        try {
            int v = Integer.parseInt(value.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new StepSetupException("InvalidSetting", "env " + name + "=" + value + " of container " + container
                + " must be an integer from " + min + " to " + max);
    }

    private static Path outputFile(List<String> args, MountMap mounts) {
        for (String a : args) {
            if (a.startsWith("--output-dir=") && a.length() > "--output-dir=".length()) {
                return Path.of(a.substring("--output-dir=".length())).resolve(OUTPUT_FILE);
            }
        }
        Path dir = mounts.resolve(DEFAULT_OUTPUT_DIR);
        return dir == null ? null : dir.resolve(OUTPUT_FILE);
    }

    private static String sourceKind(Volume volume) {
        JsonNode node = JSON.valueToTree(volume);
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!n.equals("name")) {
                return n;
            }
        }
        return "empty";
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir, e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
