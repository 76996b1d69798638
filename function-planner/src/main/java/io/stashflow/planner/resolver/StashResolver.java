package io.stashflow.planner.resolver;

import static io.stashflow.planner.resolver.VariableNames.ADDON_IMAGE;
import static io.stashflow.planner.resolver.VariableNames.DEFAULT_HOST;
import static io.stashflow.planner.resolver.VariableNames.HOOK_TYPE;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpecBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.stashflow.api.model.AppBinding;
import io.stashflow.api.model.BackupBatch;
import io.stashflow.api.model.BackupConfiguration;
import io.stashflow.api.model.BackupConfigurationTemplateSpec;
import io.stashflow.api.model.BackupHooks;
import io.stashflow.api.model.BackupSession;
import io.stashflow.api.model.BackupTarget;
import io.stashflow.api.model.EmptyDirSettings;
import io.stashflow.api.model.Function;
import io.stashflow.api.model.FunctionRef;
import io.stashflow.api.model.FunctionSpec;
import io.stashflow.api.model.HookHandler;
import io.stashflow.api.model.ObjectRef;
import io.stashflow.api.model.Param;
import io.stashflow.api.model.PodRuntimeSettings;
import io.stashflow.api.model.PostHookHandler;
import io.stashflow.api.model.Repository;
import io.stashflow.api.model.RestoreHooks;
import io.stashflow.api.model.RestoreSession;
import io.stashflow.api.model.RestoreTarget;
import io.stashflow.api.model.RetentionPolicy;
import io.stashflow.api.model.RetryConfig;
import io.stashflow.api.model.Rule;
import io.stashflow.api.model.RuntimeSettings;
import io.stashflow.api.model.StashAddon;
import io.stashflow.api.model.TargetRef;
import io.stashflow.api.model.Task;
import io.stashflow.api.model.TaskRef;
import io.stashflow.api.model.TaskSpec;
import io.stashflow.planner.envsubst.EnvsubstTemplate;
import io.stashflow.planner.envsubst.EnvsubstException;
import io.stashflow.planner.resolver.ResolutionException.Reason;
import io.stashflow.planner.resolver.VariableTableBuilder.RestoreHostOptions;
import io.stashflow.planner.resolver.VariableTableBuilder.Retention;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a BackupSession or RestoreSession into the pod(s) Stash's Job model would run (section 2 of the
 * semantics notes), from the session, its invoker, the Repository, the Task and its Functions and, for
 * AppBinding targets, the AppBinding's addon.
 *
 * <p>What Stash does, in Stash's order: the AppBinding addon merge; the built-in variable table
 * ({@link VariableTableBuilder}, filled in Stash's fixed order with {@code spec.task.params} last); the Task
 * substituted with those variables; each step's Function substituted with its step params overridden by the
 * variables and {@code ADDON_IMAGE}; one container per step ({@code <function '.'→'-'>-<i>},
 * {@code IfNotPresent}, {@code /stash-tmp}); invoker container runtime settings; hook containers; all but the
 * last container as init containers; default pod security context; pod runtime settings; the temp, local-backend
 * and interim volumes.
 *
 * <p>Where Stashflow departs from Stash on purpose (each also noted where it happens):
 * <ul>
 * <li>substitution works field by field on {@code spec} only ({@link SpecSubstitution}): values with {@code "}
 * or {@code \} are inserted verbatim, and {@code ${...}} in metadata is left alone;</li>
 * <li>AppBinding restore params come from the addon's {@code restoreTask} ({@link AddonTaskMerge});</li>
 * <li>a Repository without a known backend is an error (Stash returns an empty pod and no error);</li>
 * <li>an {@code envFrom} entry whose Secret or ConfigMap name resolves to empty is dropped, so the built-in
 * Functions work for a Repository without {@code storageSecretName};</li>
 * <li>the pod is the Job's pod template made concrete: the default pod security context, restore's root
 * default and the invoker's labels, {@code podLabels} and {@code podAnnotations} are all on it (Stash's Job
 * patch drops the resolver's default security context), and a user's {@code serviceAccountName} is kept
 * (Stash forces its own RBAC service account; Stashflow leaves the account to the executor);</li>
 * <li>long pod names end with a stable hash instead of being cut ({@link ResourceNames}).</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe; resolution reads the definitions and never changes them.
 */
public final class StashResolver {

    /** Stash's API group and version for owner references. */
    public static final String STASH_API_VERSION = "stash.appscode.com/v1beta1";
    public static final String KIND_BACKUP_SESSION = "BackupSession";
    public static final String KIND_RESTORE_SESSION = "RestoreSession";
    public static final String KIND_BACKUP_CONFIGURATION = "BackupConfiguration";
    public static final String KIND_BACKUP_BATCH = "BackupBatch";

    public static final String LABEL_COMPONENT = "app.kubernetes.io/component";
    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String LABEL_INVOKER_TYPE = "stash.appscode.com/invoker-type";
    public static final String LABEL_INVOKER_NAME = "stash.appscode.com/invoker-name";

    /** The default pod user of a backup pod (Stash: lets update-status read the restic cache). */
    public static final long BACKUP_RUN_AS_USER = 65535L;

    private static final Set<String> SIDECAR_WORKLOAD_KINDS =
            Set.of("Deployment", "StatefulSet", "DaemonSet", "DeploymentConfig");
    private static final String APPCATALOG_GROUP = "appcatalog.appscode.com";
    private static final String HOOK_IMAGE = "${STASH_DOCKER_REGISTRY:=ghcr.io/stashflow}/"
            + "${STASH_DOCKER_IMAGE:=stashflow}:${STASH_IMAGE_TAG:=latest}";

    private final DefinitionLookup definitions;
    private final ResolverSettings settings;

    /**
     * @param definitions where Functions, Tasks, invokers, sessions, Repositories and AppBindings are looked up;
     *                    wrap with {@link BuiltinDefinitions#withBuiltins} to offer the built-in Functions/Tasks
     */
    public StashResolver(DefinitionLookup definitions, ResolverSettings settings) {
        this.definitions = Objects.requireNonNull(definitions, "definitions");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public ResolverSettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------------------------------------------
    // entry points

    /** Resolves the BackupSession {@code namespace/name} found in the definitions. */
    public List<ResolvedPlan> resolveBackupSession(String namespace, String name) throws ResolutionException {
        BackupSession session = definitions.backupSession(namespace, name).orElseThrow(() -> new ResolutionException(
                Reason.MISSING_DEFINITION, KIND_BACKUP_SESSION, namespace + "/" + name, null, null,
                "BackupSession " + namespace + "/" + name + " is not among the definitions; add it (it names"
                        + " its invoker in spec.invoker)"));
        return resolveBackupSession(session);
    }

    /** Resolves the RestoreSession {@code namespace/name} found in the definitions. */
    public ResolvedPlan resolveRestoreSession(String namespace, String name) throws ResolutionException {
        RestoreSession session = definitions.restoreSession(namespace, name).orElseThrow(() -> new ResolutionException(
                Reason.MISSING_DEFINITION, KIND_RESTORE_SESSION, namespace + "/" + name, null, null,
                "RestoreSession " + namespace + "/" + name + " is not among the definitions; add it"));
        return resolveRestoreSession(session);
    }

    /**
     * One plan per target: a BackupConfiguration session gives one pod (target index 0), a BackupBatch session one
     * pod per member (target index = member index).
     */
    public List<ResolvedPlan> resolveBackupSession(BackupSession session) throws ResolutionException {
        return resolveBackupSession(session, null);
    }

    /**
     * Resolves {@code session}, whose name is a stand-in, and says whether its plans are those of every other session
     * with the same namespace, invoker, {@code spec.retryLeft} and uid, up to the name. They are when the name reaches
     * them only as copies in places where it can be replaced afterwards: the pod name and the owner reference's name
     * (which the resolver makes from the name), and container args, commands and env values into which the
     * Function, Task and hook templates copy {@code BACKUP_SESSION} (or a step param holding it) unchanged.
     *
     * <p>Then, for a session whose name {@code N} is not empty and converts to UTF-8 and back unchanged (every
     * Kubernetes name does), with the same definitions, {@link #resolveBackupSession(BackupSession)} returns these
     * plans with the session name {@code N}, the pod name {@code ResourceNames.backupPodName(N, targetIndex)}, and
     * every occurrence of the stand-in in container args, commands, env values and owner reference names replaced by
     * {@code N}. A plan that uses the name in any other way is not reusable, and {@link StandInResolution#notReusable}
     * says where: the name in a volume, path, image, env or param name, or a step name; a template that cuts, measures,
     * changes the case of or matches against it; an interim volume claim (named after the session).
     *
     * @param session a BackupSession whose name occurs in no definition and no setting (callers use a random name)
     */
    public StandInResolution resolveBackupSessionWithStandIn(BackupSession session) throws ResolutionException {
        StandInWatch watch = new StandInWatch(requireName(KIND_BACKUP_SESSION, session.name()));
        List<ResolvedPlan> plans = resolveBackupSession(session, watch);
        for (ResolvedPlan plan : plans) {
            watch.plan(plan);
        }
        return new StandInResolution(watch.standIn(), plans, watch.problem());
    }

    /** @param watch follows a stand-in name through the resolution, or null */
    private List<ResolvedPlan> resolveBackupSession(BackupSession session, StandInWatch watch)
            throws ResolutionException {
        String namespace = namespaceOf(session.namespace());
        String sessionName = requireName(KIND_BACKUP_SESSION, session.name());
        String sessionRef = namespace + "/" + sessionName;
        if (session.spec() == null || session.spec().invoker() == null) {
            throw new ResolutionException(Reason.INVALID_INPUT, KIND_BACKUP_SESSION, sessionRef, "spec.invoker", null,
                    "BackupSession " + sessionRef + " has no spec.invoker; set spec.invoker.kind (BackupConfiguration"
                            + " or BackupBatch) and spec.invoker.name");
        }
        var invoker = session.spec().invoker();
        String invokerName = invoker.name();
        if (invokerName == null || invokerName.isEmpty()) {
            throw new ResolutionException(Reason.INVALID_INPUT, KIND_BACKUP_SESSION, sessionRef, "spec.invoker.name",
                    null, "BackupSession " + sessionRef + " has an empty spec.invoker.name; name its "
                            + (invoker.kind() == null ? "BackupConfiguration" : invoker.kind()));
        }
        String uid = session.metadata() == null ? null : session.metadata().getUid();
        Integer retryLeft = session.spec().retryLeft();
        SessionInfo sessionInfo = new SessionInfo(KIND_BACKUP_SESSION, sessionName, namespace, uid,
                retryLeft == null ? 0 : retryLeft);
        List<ResolvedPlan> plans = new ArrayList<>();
        if (KIND_BACKUP_CONFIGURATION.equals(invoker.kind())) {
            BackupConfiguration config = definitions.backupConfiguration(namespace, invokerName)
                    .orElseThrow(() -> missingInvoker(KIND_BACKUP_CONFIGURATION, namespace, invokerName, sessionRef));
            if (config.spec() == null) {
                throw new ResolutionException(Reason.INVALID_INPUT, KIND_BACKUP_CONFIGURATION,
                        namespace + "/" + invokerName, "spec", null, "BackupConfiguration " + namespace + "/"
                                + invokerName + " has no spec; add spec.repository, spec.target and spec.task");
            }
            var spec = config.spec();
            InvokerInfo invokerInfo = new InvokerInfo(KIND_BACKUP_CONFIGURATION, invokerName, namespace,
                    labelsOf(config.metadata()));
            checkDriver(invokerInfo, spec.driver());
            RepositoryInfo repository = repository(invokerInfo, spec.repository());
            plans.add(resolveBackupTarget(sessionInfo, invokerInfo, repository, 0, "spec", spec.task(), spec.target(),
                    spec.runtimeSettings(), spec.tempDir(), spec.interimVolumeTemplate(), spec.hooks(),
                    spec.retentionPolicy(), spec.timeOut(), spec.retryConfig(), watch));
        } else if (KIND_BACKUP_BATCH.equals(invoker.kind())) {
            BackupBatch batch = definitions.backupBatch(namespace, invokerName)
                    .orElseThrow(() -> missingInvoker(KIND_BACKUP_BATCH, namespace, invokerName, sessionRef));
            if (batch.spec() == null || batch.spec().members().isEmpty()) {
                throw new ResolutionException(Reason.INVALID_INPUT, KIND_BACKUP_BATCH, namespace + "/" + invokerName,
                        "spec.members", null, "BackupBatch " + namespace + "/" + invokerName
                                + " has no spec.members; add at least one member");
            }
            var spec = batch.spec();
            InvokerInfo invokerInfo = new InvokerInfo(KIND_BACKUP_BATCH, invokerName, namespace,
                    labelsOf(batch.metadata()));
            checkDriver(invokerInfo, spec.driver());
            RepositoryInfo repository = repository(invokerInfo, spec.repository());
            for (int i = 0; i < spec.members().size(); i++) {
                BackupConfigurationTemplateSpec member = spec.members().get(i);
                plans.add(resolveBackupTarget(sessionInfo, invokerInfo, repository, i, "spec.members[" + i + "]",
                        member.task(), member.target(), member.runtimeSettings(), member.tempDir(),
                        member.interimVolumeTemplate(), member.hooks(), spec.retentionPolicy(), spec.timeOut(),
                        spec.retryConfig(), watch));
            }
            // Stash puts the post-backup repository actions on the last target only (§4.4); Stashflow's built-in
            // update-status learns it from this flag because it never reads the session from the API.
            for (int i = 0; i < plans.size() - 1; i++) {
                disablePostBackupActions(plans.get(i), watch);
            }
        } else {
            throw new ResolutionException(Reason.INVALID_INPUT, KIND_BACKUP_SESSION, sessionRef, "spec.invoker.kind",
                    null, "BackupSession " + sessionRef + " has spec.invoker.kind '" + invoker.kind()
                            + "'; it must be BackupConfiguration or BackupBatch");
        }
        return List.copyOf(plans);
    }

    /**
     * Turns off the repository actions of the built-in update-status of a plan that is not the session's last target.
     * A user's own update-status Function without the flag is left as it is.
     */
    private static void disablePostBackupActions(ResolvedPlan plan, StandInWatch watch) {
        for (PlannedContainer step : plan.containers()) {
            if (!step.updateStatus()) {
                continue;
            }
            List<Container> all = new ArrayList<>(plan.pod().getSpec().getInitContainers());
            all.addAll(plan.pod().getSpec().getContainers());
            for (Container container : all) {
                if (container.getName().equals(step.containerName()) && container.getArgs() != null) {
                    if (watch != null) {
                        for (String arg : container.getArgs()) {
                            watch.prefixTest(arg, POST_BACKUP_ACTIONS_FLAG, "container " + container.getName()
                                    + " of target " + plan.targetIndex());
                        }
                    }
                    container.setArgs(container.getArgs().stream()
                            .map(arg -> arg.startsWith(POST_BACKUP_ACTIONS_FLAG) ? POST_BACKUP_ACTIONS_FLAG + "false" : arg)
                            .toList());
                }
            }
        }
    }

    private static final String POST_BACKUP_ACTIONS_FLAG = "--post-backup-actions=";

    /** The one plan of a RestoreSession (its own invoker; target index 0). */
    public ResolvedPlan resolveRestoreSession(RestoreSession session) throws ResolutionException {
        String namespace = namespaceOf(session.namespace());
        String name = requireName(KIND_RESTORE_SESSION, session.name());
        var spec = session.spec();
        if (spec == null) {
            throw new ResolutionException(Reason.INVALID_INPUT, KIND_RESTORE_SESSION, namespace + "/" + name, "spec",
                    null, "RestoreSession " + namespace + "/" + name + " has no spec; add spec.repository, spec.target"
                            + " and spec.task");
        }
        String uid = session.metadata() == null ? null : session.metadata().getUid();
        SessionInfo sessionInfo = new SessionInfo(KIND_RESTORE_SESSION, name, namespace, uid, 0);
        InvokerInfo invokerInfo = new InvokerInfo(KIND_RESTORE_SESSION, name, namespace, labelsOf(session.metadata()));
        checkDriver(invokerInfo, spec.driver());
        RepositoryInfo repository = repository(invokerInfo, spec.repository());

        RestoreTarget target = spec.target();
        TargetRef ref = null;
        if (target != null) {
            TargetRef raw = target.ref() == null ? new TargetRef(null, null, null, null) : target.ref();
            ref = withDefaultNamespace(raw, namespace);
            if (!target.volumeClaimTemplates().isEmpty()) {
                throw new ResolutionException(Reason.UNSUPPORTED, KIND_RESTORE_SESSION, namespace + "/" + name,
                        "spec.target.volumeClaimTemplates", null, "RestoreSession " + namespace + "/" + name
                                + " restores into spec.target.volumeClaimTemplates; Stash runs one Job per replica for"
                                + " that (with POD_ORDINAL), which Stashflow does not do yet. Create the PVCs and"
                                + " restore into them with a target.ref instead");
            }
        }
        // target.rules is where Stash reads rules; the deprecated spec.rules are used when the target has none
        List<Rule> rules = target != null && !target.rules().isEmpty() ? target.rules() : spec.rules();
        RestoreHooks hooks = spec.hooks();
        Target restoreTarget = new Target(ref, null, target, rules);
        Invocation invocation = new Invocation(sessionInfo, invokerInfo, repository, 0, "spec", spec.task(),
                restoreTarget, spec.runtimeSettings(), spec.tempDir(), spec.interimVolumeTemplate(),
                hooks != null && hooks.preRestore() != null ? "preRestore" : null,
                hooks == null ? null : hooks.preRestore(),
                hooks != null && hasHandler(hooks.postRestore()) ? "postRestore" : null,
                hooks == null ? null : hooks.postRestore(),
                null, spec.timeOut(), null, null);
        return resolveTarget(invocation);
    }

    // ------------------------------------------------------------------------------------------------------
    // invocation model

    /** @param retryLeft the BackupSession's {@code spec.retryLeft} (0 when absent, and for restores) */
    private record SessionInfo(String kind, String name, String namespace, String uid, int retryLeft) {
        boolean backup() {
            return KIND_BACKUP_SESSION.equals(kind);
        }
    }

    private record InvokerInfo(String kind, String name, String namespace, Map<String, String> labels) {
        String describe() {
            return kind + " " + namespace + "/" + name;
        }
    }

    private record RepositoryInfo(String name, String namespace, RepositoryLocation location, Repository resource) {
    }

    /**
     * @param ref           the target ref with its namespace defaulted; for a backup without target Stash's
     *                      {@code EmptyTarget} ref; for a restore without target {@code null}
     * @param backupTarget  the backup target, or {@code null} for a restore (or a backup without one)
     * @param restoreTarget the restore target, or {@code null}
     * @param restoreRules  the restore rules in effect (restore only)
     */
    private record Target(TargetRef ref, BackupTarget backupTarget, RestoreTarget restoreTarget,
            List<Rule> restoreRules) {
    }

    /**
     * @param preHook  the pre hook's handler (a {@link HookHandler}), or {@code null}
     * @param postHook the post hook's handler with its execution policy (a {@link PostHookHandler}), or {@code null}
     */
    private record Invocation(SessionInfo session, InvokerInfo invoker, RepositoryInfo repository, int targetIndex,
            String templatePath, TaskRef task, Target target, RuntimeSettings runtimeSettings,
            EmptyDirSettings tempDir, PersistentVolumeClaim interimVolumeTemplate, String preHookType,
            Object preHook, String postHookType, Object postHook, RetentionPolicy retentionPolicy, String timeOut,
            RetryConfig retryConfig, StandInWatch watch) {
    }

    private ResolvedPlan resolveBackupTarget(SessionInfo session, InvokerInfo invoker, RepositoryInfo repository,
            int index, String templatePath, TaskRef task, BackupTarget target, RuntimeSettings runtimeSettings,
            EmptyDirSettings tempDir, PersistentVolumeClaim interimVolumeTemplate, BackupHooks hooks,
            RetentionPolicy retentionPolicy, String timeOut, RetryConfig retryConfig, StandInWatch watch)
            throws ResolutionException {
        TargetRef ref;
        BackupTarget effectiveTarget;
        if (target == null) {
            // Stash backs up "the cluster" without a target and describes that with this placeholder ref
            // (apimachinery EmptyTargetRef); kubedump checks the kind.
            ref = new TargetRef("na", "EmptyTarget", "na", null);
            effectiveTarget = new BackupTarget(null, ref, List.of(), List.of(), null, null, List.of(), List.of());
        } else {
            TargetRef raw = target.ref() == null ? new TargetRef(null, null, null, null) : target.ref();
            ref = withDefaultNamespace(raw, invoker.namespace());
            effectiveTarget = target;
        }
        Invocation invocation = new Invocation(session, invoker, repository, index, templatePath, task,
                new Target(ref, effectiveTarget, null, List.of()), runtimeSettings, tempDir, interimVolumeTemplate,
                hooks != null && hooks.preBackup() != null ? "preBackup" : null,
                hooks == null ? null : hooks.preBackup(),
                hooks != null && hasHandler(hooks.postBackup()) ? "postBackup" : null,
                hooks == null ? null : hooks.postBackup(),
                retentionPolicy, timeOut, retryConfig, watch);
        return resolveTarget(invocation);
    }

    // ------------------------------------------------------------------------------------------------------
    // resolution of one target

    private ResolvedPlan resolveTarget(Invocation inv) throws ResolutionException {
        InvokerInfo invoker = inv.invoker();
        TargetRef ref = inv.target().ref();
        String rawTaskName = inv.task() == null ? null : inv.task().name();

        if ((rawTaskName == null || rawTaskName.isEmpty()) && ref != null && SIDECAR_WORKLOAD_KINDS.contains(ref.kind())) {
            throw new ResolutionException(Reason.UNSUPPORTED, invoker.kind(), invoker.namespace() + "/" + invoker.name(),
                    inv.templatePath() + ".task.name", null, invoker.describe() + " targets " + ref.kind() + " "
                            + ref.name() + " without " + inv.templatePath() + ".task.name: Stash backs that up with an"
                            + " injected sidecar, which Stashflow does not do. Name a Task in "
                            + inv.templatePath() + ".task.name (for example pvc-backup/pvc-restore for a volume)");
        }

        // 1. the AppBinding addon merge
        Optional<StashAddon> addon = Optional.empty();
        if (ref != null && isAppBinding(ref)) {
            String appNamespace = ref.namespace();
            AppBinding appBinding = definitions.appBinding(appNamespace, ref.name()).orElseThrow(() ->
                    ResolutionException.missing("AppBinding", appNamespace + "/" + ref.name(),
                            "for the target of " + invoker.describe(),
                            "Add the AppBinding or fix " + inv.templatePath() + ".target.ref of the "
                                    + invoker.kind() + "."));
            try {
                addon = appBinding.spec() == null ? Optional.empty() : appBinding.spec().stashAddon();
            } catch (IllegalArgumentException e) {
                throw new ResolutionException(Reason.INVALID_INPUT, "AppBinding", appNamespace + "/" + ref.name(),
                        "spec.parameters.stash.addon", null, "AppBinding " + appNamespace + "/" + ref.name() + ": "
                                + e.getMessage(), e);
            }
        }
        boolean backup = inv.session().backup();
        AddonTaskMerge.EffectiveTask task = backup
                ? AddonTaskMerge.forBackup(inv.task(), addon)
                : AddonTaskMerge.forRestore(inv.task(), addon);
        if (task.name() == null || task.name().isEmpty()) {
            throw new ResolutionException(Reason.MISSING_DEFINITION, invoker.kind(),
                    invoker.namespace() + "/" + invoker.name(), inv.templatePath() + ".task.name", null,
                    invoker.describe() + " names no Task: " + inv.templatePath() + ".task.name is empty and the target"
                            + (ref != null && isAppBinding(ref) ? " AppBinding declares no stash addon "
                                    + (backup ? "backupTask" : "restoreTask") : " is not an AppBinding")
                            + ". Set " + inv.templatePath() + ".task.name");
        }

        // 2. the variable table
        Map<String, String> globals = globalVariables(inv, task.params());

        // 4. the Task, substituted with the globals
        Task taskResource = definitions.task(task.name()).orElseThrow(() -> ResolutionException.missing("Task",
                task.name(), "for " + invoker.describe(), "Add the Task (the catalog ships one Task per addon"
                        + " version) or fix " + inv.templatePath() + ".task.name of the " + invoker.kind() + "."));
        TaskSpec taskSpec = substituteTask(taskResource, globals, invoker, inv.watch());
        if (taskSpec.steps().isEmpty()) {
            throw new ResolutionException(Reason.NO_STEPS, "Task", taskResource.name(), "spec.steps", null,
                    "empty steps/containers for Task " + taskResource.name() + ": spec.steps is empty; add at least"
                            + " one step naming a Function");
        }

        // 5. one container per step
        List<Container> containers = new ArrayList<>();
        List<PlannedContainer> planned = new ArrayList<>();
        Set<String> pspNames = new LinkedHashSet<>();
        Map<String, String> taskParams = new LinkedHashMap<>();
        for (int i = 0; i < taskSpec.steps().size(); i++) {
            FunctionRef step = taskSpec.steps().get(i);
            int stepIndex = i;
            Function function = definitions.function(step.name()).orElseThrow(() -> new ResolutionException(
                    Reason.MISSING_DEFINITION, "Function", step.name(), null, null, "can't get Function "
                            + step.name() + " for Task " + taskResource.name() + ": it is not among the definitions."
                            + " Add the Function or fix spec.steps[" + stepIndex + "].name of Task "
                            + taskResource.name() + "."));
            Map<String, String> stepParams = new LinkedHashMap<>();
            for (Param param : step.params()) {
                if (param.name() != null) {
                    stepParams.put(param.name(), param.value() == null ? "" : param.value());
                }
            }
            taskParams.putAll(stepParams);
            Map<String, String> inputs = new LinkedHashMap<>(stepParams);
            inputs.putAll(globals);
            inputs.put(ADDON_IMAGE, function.spec() == null || function.spec().image() == null
                    ? "" : function.spec().image());
            FunctionSpec spec = substituteFunction(function, inputs, taskResource.name(), invoker, inv.templatePath(),
                    inv.watch());
            if (spec.podSecurityPolicyName() != null && !spec.podSecurityPolicyName().isEmpty()) {
                pspNames.add(spec.podSecurityPolicyName());
            }
            Container container = stepContainer(function.name(), i, spec);
            if (inv.runtimeSettings() != null) {
                RuntimeSettingsMerge.applyToContainer(container, inv.runtimeSettings().container());
            }
            containers.add(container);
            planned.add(new PlannedContainer(container.getName(), 0, i, function.name(), null,
                    PodLayout.UPDATE_STATUS_FUNCTION.equals(function.name()), false));
        }

        // 7. hooks: HOOK_TYPE < union of step params < globals
        if (inv.preHookType() != null) {
            Container hook = hookContainer(PodLayout.PRE_TASK_HOOK, inv.preHook(), containers, inv,
                    hookInputs(inv.preHookType(), taskParams, globals));
            containers.add(0, hook);
            planned.add(0, new PlannedContainer(hook.getName(), 0, null, null, inv.preHookType(), false, false));
        }
        if (inv.postHookType() != null) {
            Container hook = hookContainer(PodLayout.POST_TASK_HOOK, inv.postHook(), containers, inv,
                    hookInputs(inv.postHookType(), taskParams, globals));
            containers.add(hook);
            planned.add(new PlannedContainer(hook.getName(), 0, null, null, inv.postHookType(), false, false));
        }
        for (Container container : containers) {
            container.setEnvFrom(withoutUnnamedSources(container.getEnvFrom()));
        }

        // 8. the pod spec
        PodSpec podSpec = new PodSpec();
        podSpec.setVolumes(new ArrayList<>(taskSpec.volumes()));
        podSpec.setInitContainers(new ArrayList<>(containers.subList(0, containers.size() - 1)));
        podSpec.setContainers(new ArrayList<>(containers.subList(containers.size() - 1, containers.size())));
        podSpec.setRestartPolicy("Never");
        podSpec.setSecurityContext(new PodSecurityContextBuilder().withRunAsUser(BACKUP_RUN_AS_USER).build());
        PodRuntimeSettings podSettings = inv.runtimeSettings() == null ? null : inv.runtimeSettings().pod();
        if (!backup) {
            podSettings = withRestoreSecurityContext(podSettings);
        }
        RuntimeSettingsMerge.applyToPod(podSpec, podSettings);
        EmptyDirSettings tempDir = inv.tempDir();
        podSpec.setVolumes(PodLayout.upsertVolume(podSpec.getVolumes(),
                PodLayout.tmpVolume(tempDir == null ? null : tempDir.medium(), tempDir == null ? null : tempDir.sizeLimit())));
        attachLocalBackend(podSpec, inv.repository());

        OwnerReference owner = new OwnerReferenceBuilder()
                .withApiVersion(STASH_API_VERSION)
                .withKind(inv.session().kind())
                .withName(inv.session().name())
                .withUid(inv.session().uid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
        Optional<PersistentVolumeClaim> interimClaim = attachInterimVolume(podSpec, inv, owner);

        // 9. the pod
        String podName = backup
                ? ResourceNames.backupPodName(inv.session().name(), inv.targetIndex())
                : ResourceNames.restorePodName(inv.session().name(), inv.targetIndex());
        ObjectMetaBuilder meta = new ObjectMetaBuilder()
                .withName(podName)
                .withNamespace(inv.session().namespace())
                .withLabels(podLabels(inv, podSettings))
                .withOwnerReferences(owner);
        if (podSettings != null && !podSettings.podAnnotations().isEmpty()) {
            meta.withAnnotations(new LinkedHashMap<>(podSettings.podAnnotations()));
        }
        Pod pod = new Pod();
        pod.setApiVersion("v1");
        pod.setKind("Pod");
        pod.setMetadata(meta.build());
        pod.setSpec(podSpec);

        List<PlannedContainer> numbered = new ArrayList<>();
        for (int i = 0; i < planned.size(); i++) {
            PlannedContainer c = planned.get(i);
            numbered.add(new PlannedContainer(c.containerName(), i, c.stepIndex(), c.functionName(), c.hookType(),
                    c.updateStatus(), i < planned.size() - 1));
        }
        return new ResolvedPlan(inv.session().kind(), inv.session().namespace(), inv.session().name(), invoker.kind(),
                invoker.name(), inv.targetIndex(), taskResource.name(), pod, numbered, List.copyOf(pspNames),
                interimClaim, inv.timeOut(), inv.retryConfig());
    }

    // ------------------------------------------------------------------------------------------------------
    // variables

    /** The built-in variables of section 2.3 in Stash's fill order, then the invoker's task params. */
    private Map<String, String> globalVariables(Invocation inv, List<Param> taskParams) {
        VariableTableBuilder table = new VariableTableBuilder();
        RepositoryInfo repo = inv.repository();
        table.repository(repo.name(), repo.namespace(), repo.location());
        Target target = inv.target();
        boolean interimDeclared = inv.interimVolumeTemplate() != null;
        boolean disableCaching = inv.tempDir() != null && Boolean.TRUE.equals(inv.tempDir().disableCaching());
        if (inv.session().backup()) {
            BackupTarget backupTarget = target.backupTarget();
            TargetRef ref = target.ref();
            table.targetReference(ref.kind(), ref.name(), ref.namespace());
            table.targetPaths(backupTarget.paths());
            table.driver(backupTarget.args(), backupTarget.exclude());
            table.targetMountPath(backupTarget.volumeMounts().isEmpty()
                    ? null : backupTarget.volumeMounts().get(0).getMountPath());
            // Stash's GetHostName: in the Job model the alias, or host-0
            String alias = backupTarget.alias();
            table.hostname(alias == null || alias.isEmpty() ? DEFAULT_HOST : alias);
            table.enableCache(disableCaching);
            table.interimDataDir(interimDeclared);
            table.retention(retentionOf(inv.retentionPolicy()));
        } else {
            RestoreTarget restoreTarget = target.restoreTarget();
            if (restoreTarget != null) {
                table.driver(restoreTarget.args(), List.of());
                TargetRef ref = target.ref();
                table.targetReference(ref.kind(), ref.name(), ref.namespace());
                table.targetMountPath(restoreTarget.volumeMounts().isEmpty()
                        ? null : restoreTarget.volumeMounts().get(0).getMountPath());
                if (!restoreTarget.volumeClaimTemplates().isEmpty() && (ref.name() == null || ref.name().isEmpty())) {
                    var template = restoreTarget.volumeClaimTemplates().get(0);
                    table.targetName(template.getMetadata() == null ? "" : template.getMetadata().getName());
                }
            }
            String alias = restoreTarget == null || restoreTarget.alias() == null ? "" : restoreTarget.alias();
            table.restoreHost(restoreOptionsForHost(alias, target.restoreRules()));
            table.enableCache(disableCaching);
            table.targetAppReplicas(restoreTarget == null ? null : restoreTarget.replicas());
            table.interimDataDir(interimDeclared);
        }
        if (inv.session().backup()) {
            table.backupSession(inv.session().name(), inv.session().namespace());
        } else {
            table.restoreSession(inv.session().name(), inv.session().namespace());
        }
        table.invoker(inv.invoker().kind(), inv.invoker().name());
        table.image(settings);
        table.license(settings.licenseApiService());
        table.metrics(settings.pushgatewayUrl(), inv.invoker().name());
        Map<String, String> params = new LinkedHashMap<>();
        for (Param param : taskParams) {
            if (param.name() != null) {
                params.put(param.name(), param.value() == null ? "" : param.value());
            }
        }
        table.taskParams(params);
        return table.build();
    }

    private static Retention retentionOf(RetentionPolicy policy) {
        if (policy == null) {
            return Retention.NONE;
        }
        return new Retention(orZero(policy.keepLast()), orZero(policy.keepHourly()), orZero(policy.keepDaily()),
                orZero(policy.keepWeekly()), orZero(policy.keepMonthly()), orZero(policy.keepYearly()),
                policy.keepTags(), Boolean.TRUE.equals(policy.prune()), Boolean.TRUE.equals(policy.dryRun()));
    }

    /**
     * Stash's {@code RestoreOptionsForHost}: the first rule whose {@code targetHosts} names the host wins; a rule
     * without {@code targetHosts} matches any host but is only used when no specific rule matches (the last such
     * rule, as in Stash). The source host is the rule's {@code sourceHost}, or the host itself. No match gives
     * empty values.
     */
    static RestoreHostOptions restoreOptionsForHost(String host, List<Rule> rules) {
        RestoreHostOptions matched = RestoreHostOptions.NO_MATCH;
        for (Rule rule : rules) {
            if (rule.targetHosts().isEmpty() || rule.targetHosts().contains(host)) {
                String source = rule.sourceHost() == null || rule.sourceHost().isEmpty() ? host : rule.sourceHost();
                matched = new RestoreHostOptions(host, source, rule.paths(), rule.snapshots(), rule.include(),
                        rule.exclude());
                if (!rule.targetHosts().isEmpty()) {
                    return matched;
                }
            }
        }
        return matched;
    }

    private static Map<String, String> hookInputs(String hookType, Map<String, String> taskParams,
            Map<String, String> globals) {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put(HOOK_TYPE, hookType);
        inputs.putAll(taskParams);
        inputs.putAll(globals);
        return inputs;
    }

    // ------------------------------------------------------------------------------------------------------
    // substitution

    private TaskSpec substituteTask(Task task, Map<String, String> globals, InvokerInfo invoker, StandInWatch watch)
            throws ResolutionException {
        if (task.spec() == null) {
            return new TaskSpec(List.of(), List.of());
        }
        JsonNode resolved;
        try {
            resolved = SpecSubstitution.substitute(Json.MAPPER.valueToTree(task.spec()), "spec", globals,
                    watch == null ? null : (path, template, result) -> watch.substituted("Task " + task.name() + " "
                            + path, template, globals, result, StandInWatch.TASK_COPY_FIELDS.matcher(path).matches()));
        } catch (SpecSubstitution.SubstitutionFailedException e) {
            EnvsubstException cause = e.failure().cause();
            throw substitutionFailure("Task", task.name(), e.failure().path(), cause,
                    "can't resolve Task " + task.name(), fixHint(cause, "Task " + task.name(), invoker));
        }
        try {
            return Json.MAPPER.treeToValue(resolved, TaskSpec.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ResolutionException(Reason.INVALID_INPUT, "Task", task.name(), "spec", null,
                    "Task " + task.name() + " is not a valid Task after substitution: " + e.getMessage(), e);
        }
    }

    private FunctionSpec substituteFunction(Function function, Map<String, String> inputs, String taskName,
            InvokerInfo invoker, String templatePath, StandInWatch watch) throws ResolutionException {
        if (function.spec() == null) {
            throw new ResolutionException(Reason.INVALID_INPUT, "Function", function.name(), "spec", null,
                    "Function " + function.name() + " has no spec; give it at least spec.image");
        }
        JsonNode resolved;
        try {
            resolved = SpecSubstitution.substitute(Json.MAPPER.valueToTree(function.spec()), "spec", inputs,
                    watch == null ? null : (path, template, result) -> watch.substituted("Function " + function.name()
                            + " " + path, template, inputs, result,
                            StandInWatch.FUNCTION_COPY_FIELDS.matcher(path).matches()));
        } catch (SpecSubstitution.SubstitutionFailedException e) {
            EnvsubstException cause = e.failure().cause();
            throw substitutionFailure("Function", function.name(), e.failure().path(), cause,
                    "can't resolve Function " + function.name() + " for Task " + taskName,
                    fixHint(cause, "Function " + function.name(), invoker) + " (or set it as a param of the step in"
                            + " Task " + taskName + ")");
        }
        try {
            return Json.MAPPER.treeToValue(resolved, FunctionSpec.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ResolutionException(Reason.INVALID_INPUT, "Function", function.name(), "spec", null,
                    "Function " + function.name() + " is not a valid Function after substitution: " + e.getMessage(), e);
        }
    }

    private static String fixHint(EnvsubstException cause, String user, InvokerInfo invoker) {
        if (cause.kind() == EnvsubstException.Kind.VALUE_NOT_FOUND) {
            return "add " + cause.key() + " to spec.task.params of " + invoker.describe()
                    + ", or give the placeholder a default in " + user + " (${" + cause.key() + ":=value})";
        }
        return "fix the placeholder in " + user;
    }

    /** A {@link ResolutionException} for an envsubst failure inside a resource's field. */
    static ResolutionException substitutionFailure(String kind, String name, String path, EnvsubstException cause,
            String what, String hint) {
        boolean notFound = cause.kind() == EnvsubstException.Kind.VALUE_NOT_FOUND;
        return new ResolutionException(notFound ? Reason.UNRESOLVED_VARIABLE : Reason.INVALID_SUBSTITUTION, kind, name,
                path, notFound ? cause.key() : null,
                what + ", reason: " + cause.getMessage() + " (in " + path + " of " + kind + " " + name + "); " + hint,
                cause);
    }

    // ------------------------------------------------------------------------------------------------------
    // containers

    private static Container stepContainer(String functionName, int index, FunctionSpec spec) {
        Container container = new Container();
        container.setName(PodLayout.stepContainerName(functionName, index));
        container.setImage(spec.image());
        container.setCommand(new ArrayList<>(spec.command()));
        container.setArgs(new ArrayList<>(spec.args()));
        container.setWorkingDir(spec.workingDir());
        container.setPorts(new ArrayList<>(spec.ports()));
        container.setVolumeDevices(new ArrayList<>(spec.volumeDevices()));
        var settings = spec.runtimeSettings();
        if (settings != null) {
            // the Function's own nice/ionice are ignored, as in Stash; only the invoker's become env vars
            container.setEnvFrom(new ArrayList<>(settings.envFrom()));
            container.setEnv(new ArrayList<>(settings.env()));
            container.setResources(settings.resources());
            container.setLivenessProbe(settings.livenessProbe());
            container.setReadinessProbe(settings.readinessProbe());
            container.setLifecycle(settings.lifecycle());
            container.setSecurityContext(settings.securityContext());
        }
        container.setImagePullPolicy("IfNotPresent");
        container.setVolumeMounts(PodLayout.upsertMountByPath(spec.volumeMounts(), PodLayout.tmpMount()));
        return container;
    }

    /**
     * Stash's {@code HookExecutorContainer}: Stashflow's image running {@code run-hook}; the invoker and target
     * values are inserted verbatim, only the {@code ${...}} parts are substituted with the hook inputs. It mounts
     * every volume its siblings mount (by name, the later sibling winning).
     *
     * <p>After Stash's arguments come {@code --hook-json=<the hook as JSON>} and {@code --retry-left=<n>}
     * (departure): Stash's {@code run-hook} reads the hook and the session from the Kubernetes API, Stashflow's gets
     * them from the plan. The JSON is inserted verbatim, so {@code {{ }}} templates in it reach run-hook unchanged.
     */
    private Container hookContainer(String name, Object handler, List<Container> siblings, Invocation inv,
            Map<String, String> inputs) throws ResolutionException {
        TargetRef ref = inv.target().ref();
        String targetKind = ref == null ? "" : nullToEmpty(ref.kind());
        String targetNamespace = ref == null ? "" : nullToEmpty(ref.namespace());
        String targetName = ref == null ? "" : nullToEmpty(ref.name());
        List<String> args = new ArrayList<>();
        args.add("run-hook");
        args.add(hookTemplate(inv, name, "--backupsession=${BACKUP_SESSION:=}", inputs, true));
        args.add("--invoker-kind=" + inv.invoker().kind());
        args.add("--invoker-name=" + inv.invoker().name());
        args.add("--target-kind=" + targetKind);
        args.add("--target-namespace=" + targetNamespace);
        args.add("--target-name=" + targetName);
        args.add(hookTemplate(inv, name, "--hook-type=${HOOK_TYPE:=}", inputs, true));
        args.add(hookTemplate(inv, name, "--hostname=${HOSTNAME:=}", inputs, true));
        args.add(hookTemplate(inv, name, "--namespace=${NAMESPACE:=default}", inputs, true));
        args.add(hookTemplate(inv, name, "--restoresession=${RESTORE_SESSION:=}", inputs, true));
        args.add(hookTemplate(inv, name, "--output-dir=${outputDir:=}", inputs, true));
        args.add("--metrics-enabled=true");
        args.add("--metrics-pushgateway-url=" + settings.pushgatewayUrl());
        try {
            args.add("--hook-json=" + Json.MAPPER.writeValueAsString(handler));
        } catch (JsonProcessingException e) {
            throw new ResolutionException(Reason.INVALID_INPUT, inv.invoker().kind(),
                    inv.invoker().namespace() + "/" + inv.invoker().name(), inv.templatePath() + ".hooks", null,
                    inv.invoker().describe() + ": the hook cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
        args.add("--retry-left=" + inv.session().retryLeft());

        Container hook = new Container();
        hook.setName(name);
        hook.setImage(hookTemplate(inv, name, HOOK_IMAGE, inputs, false));
        hook.setArgs(args);
        hook.setEnv(new ArrayList<>(List.of(new EnvVarBuilder().withName("POD_NAME")
                .withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom()
                .build())));
        List<VolumeMount> mounts = new ArrayList<>();
        for (Container sibling : siblings) {
            for (VolumeMount mount : sibling.getVolumeMounts()) {
                mounts = PodLayout.upsertMountByName(mounts, new VolumeMountBuilder(mount).build());
            }
        }
        hook.setVolumeMounts(mounts);
        if (inv.runtimeSettings() != null) {
            RuntimeSettingsMerge.applyToContainer(hook, inv.runtimeSettings().container());
        }
        return hook;
    }

    /** @param intoArgs whether the result is one of the hook's args (the only place it may copy the session name) */
    private static String hookTemplate(Invocation inv, String containerName, String template,
            Map<String, String> inputs, boolean intoArgs) throws ResolutionException {
        try {
            EnvsubstTemplate parsed = SpecSubstitution.template(template);
            String result = parsed.eval(inputs);
            if (inv.watch() != null) {
                inv.watch().substituted("hook container " + containerName + " " + (intoArgs ? "args" : "image"),
                        parsed, inputs, result, intoArgs);
            }
            return result;
        } catch (EnvsubstException e) {
            throw substitutionFailure(inv.invoker().kind(), inv.invoker().namespace() + "/" + inv.invoker().name(),
                    inv.templatePath() + ".hooks", e, "failed to resolve " + containerName,
                    "check spec.task.params of " + inv.invoker().describe());
        }
    }

    /**
     * Drops {@code envFrom} entries whose Secret or ConfigMap name is empty (departure: the built-in Functions
     * reference {@code ${REPOSITORY_SECRET_NAME:=}}, which is empty for a Repository without
     * {@code storageSecretName}; an unnamed reference is invalid in Kubernetes anyway).
     */
    private static List<EnvFromSource> withoutUnnamedSources(List<EnvFromSource> envFrom) {
        if (envFrom == null || envFrom.isEmpty()) {
            return envFrom;
        }
        List<EnvFromSource> kept = new ArrayList<>();
        for (EnvFromSource source : envFrom) {
            boolean unnamedSecret = source.getSecretRef() != null && isEmpty(source.getSecretRef().getName());
            boolean unnamedConfigMap = source.getConfigMapRef() != null && isEmpty(source.getConfigMapRef().getName());
            if (!unnamedSecret && !unnamedConfigMap) {
                kept.add(source);
            }
        }
        return kept;
    }

    // ------------------------------------------------------------------------------------------------------
    // pod

    /** Restore: {@code runAsUser: 0, runAsGroup: 0} upserted under the user's pod security context. */
    private static PodRuntimeSettings withRestoreSecurityContext(PodRuntimeSettings settings) {
        PodSecurityContext root = new PodSecurityContextBuilder().withRunAsUser(0L).withRunAsGroup(0L).build();
        PodSecurityContext merged = RuntimeSettingsMerge.upsertPodSecurityContext(root,
                settings == null ? null : settings.securityContext());
        if (settings == null) {
            return new PodRuntimeSettings(null, null, null, null, null, null, null, merged, null, null, null, null,
                    null, null, null, null, null, null);
        }
        return new PodRuntimeSettings(settings.podLabels(), settings.podAnnotations(), settings.nodeSelector(),
                settings.serviceAccountName(), settings.serviceAccountAnnotations(),
                settings.automountServiceAccountToken(), settings.nodeName(), merged, settings.imagePullSecrets(),
                settings.affinity(), settings.schedulerName(), settings.tolerations(), settings.priorityClassName(),
                settings.priority(), settings.readinessGates(), settings.runtimeClassName(),
                settings.enableServiceLinks(), settings.topologySpreadConstraints());
    }

    /**
     * A {@code local} backend's volume ({@code stash-local}) mounted at its {@code mountPath}/{@code subPath} in
     * every container, as Stash's {@code AttachLocalBackend} does, so the repository is reachable from the pod.
     * Without a volume source (a path on the machine of Stashflow's local runtime) nothing is attached.
     */
    private static void attachLocalBackend(PodSpec podSpec, RepositoryInfo repository) {
        var backend = repository.resource().spec().backend();
        if (backend.local() == null || backend.local().volumeSource() == null) {
            return;
        }
        Volume volume = new VolumeBuilder(backend.local().volumeSource())
                .withName(PodLayout.LOCAL_BACKEND_VOLUME_NAME).build();
        VolumeMount mount = new VolumeMountBuilder().withName(PodLayout.LOCAL_BACKEND_VOLUME_NAME)
                .withMountPath(backend.local().mountPath())
                .withSubPath(isEmpty(backend.local().subPath()) ? null : backend.local().subPath())
                .build();
        attach(podSpec, volume, mount);
    }

    /**
     * The interim volume: a PVC {@code <session>-<template name>} (returned for the executor to create, owned by
     * the session) mounted as {@code stash-interim-volume} at {@code /stash-interim-volume} in every container.
     */
    private static Optional<PersistentVolumeClaim> attachInterimVolume(PodSpec podSpec, Invocation inv,
            OwnerReference owner) throws ResolutionException {
        PersistentVolumeClaim template = inv.interimVolumeTemplate();
        if (template == null) {
            return Optional.empty();
        }
        String templateName = template.getMetadata() == null ? null : template.getMetadata().getName();
        if (isEmpty(templateName)) {
            throw new ResolutionException(Reason.INVALID_INPUT, inv.invoker().kind(),
                    inv.invoker().namespace() + "/" + inv.invoker().name(),
                    inv.templatePath() + ".interimVolumeTemplate.metadata.name", null, inv.invoker().describe()
                            + " has an interimVolumeTemplate without metadata.name; name it (the PVC is called"
                            + " <session>-<template name>)");
        }
        String claimName = ResourceNames.interimClaimName(inv.session().name(), templateName);
        PersistentVolumeClaim claim = new PersistentVolumeClaimBuilder()
                .withApiVersion("v1")
                .withKind("PersistentVolumeClaim")
                .withNewMetadata()
                .withName(claimName)
                .withNamespace(inv.session().namespace())
                .withOwnerReferences(new OwnerReferenceBuilder(owner).build())
                .endMetadata()
                .withSpec(template.getSpec() == null ? null : new PersistentVolumeClaimSpecBuilder(template.getSpec()).build())
                .build();
        Volume volume = new VolumeBuilder().withName(PodLayout.INTERIM_VOLUME_NAME)
                .withNewPersistentVolumeClaim().withClaimName(claimName).endPersistentVolumeClaim().build();
        VolumeMount mount = new VolumeMountBuilder().withName(PodLayout.INTERIM_VOLUME_NAME)
                .withMountPath(PodLayout.INTERIM_VOLUME_MOUNT_PATH).build();
        attach(podSpec, volume, mount);
        return Optional.of(claim);
    }

    /** kmodules {@code AttachPVC}: upsert the volume, and the mount (by name) into every container. */
    private static void attach(PodSpec podSpec, Volume volume, VolumeMount mount) {
        podSpec.setVolumes(PodLayout.upsertVolume(podSpec.getVolumes(), volume));
        for (Container container : podSpec.getInitContainers()) {
            container.setVolumeMounts(PodLayout.upsertMountByName(container.getVolumeMounts(),
                    new VolumeMountBuilder(mount).build()));
        }
        for (Container container : podSpec.getContainers()) {
            container.setVolumeMounts(PodLayout.upsertMountByName(container.getVolumeMounts(),
                    new VolumeMountBuilder(mount).build()));
        }
    }

    /**
     * The invoker's labels, then {@code runtimeSettings.pod.podLabels}, then Stash's own labels (which always
     * win, so selectors on them keep working).
     */
    private static Map<String, String> podLabels(Invocation inv, PodRuntimeSettings podSettings) {
        Map<String, String> labels = new LinkedHashMap<>(inv.invoker().labels());
        if (podSettings != null) {
            labels.putAll(podSettings.podLabels());
        }
        labels.put(LABEL_COMPONENT, inv.session().backup() ? "stash-backup" : "stash-restore");
        labels.put(LABEL_MANAGED_BY, "stash.appscode.com");
        labels.put(LABEL_INVOKER_TYPE, inv.invoker().kind());
        labels.put(LABEL_INVOKER_NAME, inv.invoker().name());
        return labels;
    }

    // ------------------------------------------------------------------------------------------------------
    // lookups and checks

    private RepositoryInfo repository(InvokerInfo invoker, ObjectRef ref) throws ResolutionException {
        if (ref == null || isEmpty(ref.name())) {
            throw new ResolutionException(Reason.INVALID_INPUT, invoker.kind(), invoker.namespace() + "/" + invoker.name(),
                    "spec.repository.name", null, invoker.describe() + " names no Repository; set spec.repository.name");
        }
        String namespace = isEmpty(ref.namespace()) ? invoker.namespace() : ref.namespace();
        Repository repository = definitions.repository(namespace, ref.name()).orElseThrow(() ->
                ResolutionException.missing("Repository", namespace + "/" + ref.name(), "for " + invoker.describe(),
                        "Add the Repository or fix spec.repository of the " + invoker.kind() + "."));
        if (repository.spec() == null || repository.spec().backend() == null) {
            throw new ResolutionException(Reason.INVALID_BACKEND, "Repository", namespace + "/" + ref.name(),
                    "spec.backend", null, "Repository " + namespace + "/" + ref.name() + " has no spec.backend; add"
                            + " exactly one of local, s3, gcs, azure, swift, b2 or rest (Stash would silently run"
                            + " an empty pod)");
        }
        RepositoryLocation location;
        try {
            location = RepositoryLocation.of(repository.spec().backend());
        } catch (IllegalArgumentException e) {
            throw new ResolutionException(Reason.INVALID_BACKEND, "Repository", namespace + "/" + ref.name(),
                    "spec.backend", null, "Repository " + namespace + "/" + ref.name() + ": " + e.getMessage(), e);
        }
        return new RepositoryInfo(ref.name(), namespace, location, repository);
    }

    private static void checkDriver(InvokerInfo invoker, String driver) throws ResolutionException {
        if (driver != null && !driver.isEmpty() && !"Restic".equals(driver)) {
            throw new ResolutionException(Reason.UNSUPPORTED, invoker.kind(), invoker.namespace() + "/" + invoker.name(),
                    "spec.driver", null, invoker.describe() + " uses spec.driver " + driver + "; Stash runs that"
                            + " without a Task (CSI snapshots), and Stashflow only runs the Restic driver's"
                            + " Function/Task pods. Remove spec.driver or set it to Restic");
        }
    }

    private static ResolutionException missingInvoker(String kind, String namespace, String name, String sessionRef) {
        return ResolutionException.missing(kind, namespace + "/" + name, "for BackupSession " + sessionRef,
                "Add the " + kind + " or fix spec.invoker of the BackupSession.");
    }

    private static boolean isAppBinding(TargetRef ref) {
        String apiVersion = nullToEmpty(ref.apiVersion());
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        return APPCATALOG_GROUP.equals(group) && "AppBinding".equals(ref.kind());
    }

    private static boolean hasHandler(PostHookHandler hook) {
        if (hook == null) {
            return false;
        }
        HookHandler handler = hook.handler();
        return handler.exec() != null || handler.httpGet() != null || handler.httpPost() != null
                || handler.tcpSocket() != null || handler.containerName() != null;
    }

    private static TargetRef withDefaultNamespace(TargetRef ref, String namespace) {
        return isEmpty(ref.namespace()) ? new TargetRef(ref.apiVersion(), ref.kind(), ref.name(), namespace) : ref;
    }

    private static Map<String, String> labelsOf(ObjectMeta metadata) {
        return metadata == null || metadata.getLabels() == null ? Map.of() : metadata.getLabels();
    }

    private static String namespaceOf(String namespace) {
        return isEmpty(namespace) ? InMemoryDefinitions.DEFAULT_NAMESPACE : namespace;
    }

    private static String requireName(String kind, String name) throws ResolutionException {
        if (isEmpty(name)) {
            throw new ResolutionException(Reason.INVALID_INPUT, kind, null, "metadata.name", null,
                    kind + " without metadata.name cannot be resolved; give it a name");
        }
        return name;
    }

    private static long orZero(Integer value) {
        return value == null ? 0 : value;
    }

    private static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
