package io.stashflow.builtin.hook;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stashflow.api.model.HookHandler;
import io.stashflow.builtin.cli.ExitCodes;
import io.stashflow.builtin.cli.IgnoredStashOptions;
import io.stashflow.builtin.cli.InvocationOptions;
import io.stashflow.builtin.cli.LogContext;
import io.stashflow.builtin.output.ResultFiles;
import io.stashflow.builtin.secrets.RepositoryCredentials;
import io.stashflow.builtin.secrets.SecretRedactor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code stashflow run-hook}: runs a backup or restore hook (Stash's {@code pre-task-hook}/{@code post-task-hook}
 * container). The hook comes in as JSON ({@code --hook-json} or {@code --hook-file}); a post hook first asks its
 * execution policy, judged from {@code <output-dir>/output.json} and {@code --retry-left}. Templates in
 * {@code exec.command} and {@code httpPost.body} are rendered over the session summary. For an AppBinding target
 * the hook runs in the pod behind the AppBinding's service (exec through the Kubernetes API), otherwise in this
 * container.
 *
 * <p>Writes a {@link HookResult} to the termination message (and to {@code <output-dir>/hook-<hookType>.json}).
 * Exit codes: 0 when the hook succeeded or its policy skipped it; 1 when it failed (a failed pre hook thereby stops
 * the pod's remaining steps, as in Stash; a failed post hook is reported the same way); 2 for bad flags or a hook
 * that cannot be read or rendered.
 */
@Command(name = "run-hook", mixinStandardHelpOptions = true,
        description = "Run a Stash backup/restore hook (exec, httpGet, httpPost, tcpSocket) and report the result.")
public final class RunHookCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunHookCommand.class);
    static final String APP_BINDING = "AppBinding";

    @Mixin
    InvocationOptions invocation = new InvocationOptions();

    @Mixin
    IgnoredStashOptions ignored = new IgnoredStashOptions();

    @Option(names = "--hook-type", required = true, description = "preBackup, postBackup, preRestore or postRestore (HOOK_TYPE)")
    String hookType;

    @Option(names = "--hook-json", description = "The hook handler as JSON (Stash's Handler shape, with executionPolicy for post hooks)")
    String hookJson;

    @Option(names = "--hook-file", description = "A file holding the hook handler as JSON")
    Path hookFile;

    @Option(names = "--retry-left", description = "Retries left for the backup session (spec.retryLeft; default: ${DEFAULT-VALUE})")
    int retryLeft;

    @Option(names = "--probe-timeout-seconds", description = "Timeout of httpGet, httpPost and tcpSocket hooks (default: ${DEFAULT-VALUE})")
    int probeTimeoutSeconds = 30;

    // The local runtime sets STASHFLOW_TERMINATION_MESSAGE_PATH to a file in the run directory, so a host process never
    // writes /dev/termination-log; in a pod the variable is unset and Kubernetes' path applies.
    @Option(names = "--termination-message-path",
            defaultValue = "${env:STASHFLOW_TERMINATION_MESSAGE_PATH:-" + ResultFiles.DEFAULT_TERMINATION_MESSAGE_PATH + "}",
            description = "File Kubernetes reads the container's termination message from"
                    + " (default: $STASHFLOW_TERMINATION_MESSAGE_PATH, else ${DEFAULT-VALUE})")
    Path terminationMessagePath;

    private final Map<String, String> environment;
    private final Supplier<KubernetesClient> clientFactory;
    private final boolean closeClient;
    private final LocalExec localExec;
    private final Function<KubernetesClient, PodExec> podExecFactory;
    private KubernetesClient client;

    /** Production wiring: the standard Kubernetes configuration, built only when a hook needs the API. */
    public RunHookCommand() {
        this(System.getenv(), KubernetesClients::standard, true, new LocalExec(), Fabric8PodExec::new);
    }

    /**
     * @param clientFactory gives the Kubernetes client, called at most once and only for AppBinding targets
     * @param closeClient whether this command owns (and closes) the client it gets
     * @param podExecFactory makes the pod exec port from the client
     */
    public RunHookCommand(Map<String, String> environment, Supplier<KubernetesClient> clientFactory, boolean closeClient,
            LocalExec localExec, Function<KubernetesClient, PodExec> podExecFactory) {
        this.environment = Map.copyOf(environment);
        this.clientFactory = clientFactory;
        this.closeClient = closeClient;
        this.localExec = localExec;
        this.podExecFactory = podExecFactory;
    }

    @Override
    public Integer call() {
        try (LogContext ignoredContext = LogContext.open("run-hook", invocation.sessionName())) {
            return runHook();
        } finally {
            if (client != null && closeClient) {
                client.close();
            }
        }
    }

    private int runHook() {
        HookType type = HookType.of(hookType).orElse(null);
        if (type == null) {
            return report(null, "", null, false, false, "--hook-type '" + hookType + "' is not one of preBackup,"
                    + " postBackup, preRestore, postRestore", null, ExitCodes.USAGE);
        }
        HookDefinition definition;
        try {
            definition = HookDefinition.parse(hookSource(), hookSourceName());
        } catch (IllegalArgumentException e) {
            return report(type, "", null, false, false, e.getMessage(), null, ExitCodes.USAGE);
        }
        String handlerNames = String.join(",", HookRunner.handlerNames(definition.handler()));

        TargetOutcome outcome = type.isPre() ? TargetOutcome.running()
                : TargetOutcome.fromOutput(invocation.outputDir(), type.isBackup());
        String policyName = null;
        if (type.isPre()) {
            if (definition.executionPolicy() != null && !definition.executionPolicy().isEmpty()) {
                LOG.warn("executionPolicy {} ignored: it applies to post hooks only", definition.executionPolicy());
            }
        } else {
            ExecutionPolicy.Decision decision;
            try {
                ExecutionPolicy policy = ExecutionPolicy.parse(definition.executionPolicy());
                policyName = policy.value();
                decision = policy.decide(type, outcome.succeeded(), retryLeft);
            } catch (IllegalArgumentException e) {
                return report(type, handlerNames, definition.executionPolicy(), false, false, e.getMessage(), null,
                        ExitCodes.USAGE);
            }
            if (!decision.run()) {
                LOG.info("{}", decision.reason());
                return report(type, handlerNames, policyName, true, true, decision.reason(), null, ExitCodes.OK);
            }
            LOG.info("running the {} hook: {}", type, decision.reason());
        }

        HookHandler handler;
        try {
            handler = definition.rendered(summary(outcome));
        } catch (HookTemplate.HookTemplateException e) {
            return report(type, handlerNames, policyName, false, false, e.getMessage(), null, ExitCodes.USAGE);
        }
        SecretRedactor redactor = RepositoryCredentials.of(environment).redactor();
        HookRunner runner = new HookRunner(localExec, () -> podExecFactory.apply(client()),
                Duration.ofSeconds(Math.max(1, probeTimeoutSeconds)), redactor);
        String executedIn = "local";
        try {
            HookRunner.Place place = new HookRunner.Local();
            if (APP_BINDING.equals(invocation.targetKind())) {
                Pod pod = new AppBindingPods(client()).find(invocation.targetNamespace(), invocation.targetName());
                place = new HookRunner.InPod(pod);
                executedIn = "pod " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName()
                        + (handler.containerName() == null || handler.containerName().isEmpty() ? "" : "/" + handler.containerName());
            }
            String message = runner.run(handler, place);
            LOG.info("{} hook succeeded: {}", type, message);
            return report(type, handlerNames, policyName, true, false, message, executedIn, ExitCodes.OK);
        } catch (HookFailure e) {
            String message = redactor.redact(e.getMessage());
            LOG.error("{} hook failed: {}", type, message);
            return report(type, handlerNames, policyName, false, false, message, executedIn, ExitCodes.FAILED);
        }
    }

    private HookSummary summary(TargetOutcome outcome) {
        return new HookSummary(invocation.sessionName(), invocation.namespace(),
                new HookSummary.Invoker(invocation.invokerKind(), invocation.invokerName()),
                new HookSummary.Target(invocation.targetKind(), invocation.targetName(), invocation.targetNamespace()),
                new HookSummary.Status(outcome.phase(), outcome.duration(), outcome.error()), retryLeft);
    }

    private String hookSource() {
        boolean hasJson = hookJson != null && !hookJson.isBlank();
        if (hasJson == (hookFile != null)) {
            throw new IllegalArgumentException("give the hook as exactly one of --hook-json or --hook-file");
        }
        if (hasJson) {
            return hookJson;
        }
        try {
            return Files.readString(hookFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("--hook-file " + hookFile + " cannot be read: " + e.getClass().getSimpleName()
                    + " " + e.getMessage());
        }
    }

    private String hookSourceName() {
        return hookFile != null ? "--hook-file " + hookFile : "--hook-json";
    }

    private KubernetesClient client() {
        if (client == null) {
            client = clientFactory.get();
        }
        return client;
    }

    private int report(HookType type, String handler, String policy, boolean succeeded, boolean skipped, String message,
            String executedIn, int exitCode) {
        if (!succeeded) {
            LOG.error("{}", message);
        }
        HookResult result = new HookResult(HookResult.VERSION, type == null ? hookType : type.flagValue(),
                handler.isEmpty() ? null : handler, policy, succeeded, skipped, message, executedIn);
        String json = ResultFiles.compactJson(result);
        if (ResultFiles.utf8Length(json) > ResultFiles.TERMINATION_MESSAGE_LIMIT) {
            String shortMessage = message.substring(0, Math.min(message.length(), 1000)) + "…";
            json = ResultFiles.compactJson(new HookResult(result.version(), result.hookType(), result.handler(),
                    policy, succeeded, skipped, shortMessage, executedIn));
        }
        int finalExitCode = exitCode;
        try {
            ResultFiles.write(terminationMessagePath, json);
        } catch (IOException e) {
            LOG.error("cannot write the termination message to {}: {}; pass --termination-message-path",
                    terminationMessagePath, e.toString());
            finalExitCode = exitCode == ExitCodes.OK ? ExitCodes.FAILED : exitCode;
        }
        Path outputDir = invocation.outputDir();
        if (outputDir != null) {
            Path file = outputDir.resolve("hook-" + (type == null ? "unknown" : type.flagValue()) + ".json");
            try {
                ResultFiles.write(file, ResultFiles.indentedJson(result));
            } catch (IOException e) {
                LOG.warn("cannot write {}: {}", file, e.toString());
            }
        }
        return finalExitCode;
    }
}
