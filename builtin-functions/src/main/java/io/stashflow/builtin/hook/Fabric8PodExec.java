package io.stashflow.builtin.hook;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.dsl.TtyExecErrorable;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;

/** {@link PodExec} through the Kubernetes API's {@code pods/exec} with fabric8. */
public final class Fabric8PodExec implements PodExec {

    private final KubernetesClient client;

    public Fabric8PodExec(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public CommandResult exec(String namespace, String pod, String container, List<String> command) throws HookFailure {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PodResource podResource = client.pods().inNamespace(namespace).withName(pod);
        TtyExecErrorable streams = container == null || container.isEmpty()
                ? podResource.writingOutput(stdout)
                : podResource.inContainer(container).writingOutput(stdout);
        String where = "pod " + namespace + "/" + pod + (container == null || container.isEmpty() ? "" : " container " + container);
        try (ExecWatch watch = streams.writingError(stderr).exec(command.toArray(String[]::new))) {
            Integer exitCode = watch.exitCode().get();
            if (exitCode == null || exitCode < 0) {
                throw new HookFailure("exec in " + where + " ended without an exit code");
            }
            return new CommandResult(exitCode, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } catch (KubernetesClientException e) {
            throw new HookFailure("cannot exec in " + where + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HookFailure("interrupted while waiting for exec in " + where, e);
        } catch (ExecutionException e) {
            throw new HookFailure("exec in " + where + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
