package io.stashflow.builtin.hook;

import java.util.List;

/** Runs a command inside a running pod's container through the Kubernetes API (Stash's exec prober). */
public interface PodExec {

    /**
     * @param container the container; null or empty for the pod's default container
     * @param command an exec array, no shell added
     * @throws HookFailure when the command cannot be started or its exit code cannot be learned
     */
    CommandResult exec(String namespace, String pod, String container, List<String> command) throws HookFailure;
}
