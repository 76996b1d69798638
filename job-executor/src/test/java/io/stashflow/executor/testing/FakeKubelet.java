package io.stashflow.executor.testing;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateRunning;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the kubelet for pods on the fabric8 mock server: an informer on pods (ADD only, skipping pods that already
 * have a phase) drives each pod through its phases on its own threads, writing status only through the status
 * subresource ({@code editStatus}).
 *
 * <p>By default a container sleeps {@code STEP_SLEEP} seconds, then terminates with exit code {@code STEP_EXIT} and
 * termination message {@code STEP_MESSAGE} (the variables of {@link TestPlans}); init containers run in order and a
 * failing one fails the pod. A {@link PodScript} per pod name overrides that: stay Pending with
 * {@code ImagePullBackOff}, stay Unschedulable, be evicted, be OOM-killed, never terminate.
 */
public final class FakeKubelet implements AutoCloseable {

    /** Special behaviour for one pod; {@code container} is the container it applies to. */
    public record PodScript(String kind, String container) {

        public static PodScript imagePullBackOff(String container) {
            return new PodScript("ImagePullBackOff", container);
        }

        public static PodScript unschedulable() {
            return new PodScript("Unschedulable", null);
        }

        public static PodScript evictedWhileRunning(String container) {
            return new PodScript("Evicted", container);
        }

        public static PodScript oomKilled(String container) {
            return new PodScript("OOMKilled", container);
        }

        public static PodScript neverTerminate(String container) {
            return new PodScript("Never", container);
        }

        boolean is(String k, Container c) {
            return kind.equals(k) && (container == null || container.equals(c.getName()));
        }
    }

    private final KubernetesClient client;
    private final Map<String, PodScript> scripts = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-kubelet");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger podsStarted = new AtomicInteger();
    private SharedIndexInformer<Pod> informer;

    public FakeKubelet(KubernetesClient client) {
        this.client = client;
    }

    public FakeKubelet script(String podName, PodScript script) {
        scripts.put(podName, script);
        return this;
    }

    public int podsStarted() {
        return podsStarted.get();
    }

    public FakeKubelet start() {
        informer = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                if (pod.getStatus() == null || pod.getStatus().getPhase() == null) {
                    workers.execute(() -> drive(pod));
                }
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
            }

            @Override
            public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
            }
        }, 0);
        return this;
    }

    private void drive(Pod pod) {
        podsStarted.incrementAndGet();
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        PodScript script = scripts.getOrDefault(name, new PodScript("Run", null));
        PodStatus status = new PodStatus();
        try {
            if (script.kind().equals("Unschedulable")) {
                status.setPhase("Pending");
                status.setConditions(List.of(condition("PodScheduled", "False", "Unschedulable",
                        "0/3 nodes are available: 3 Insufficient memory.")));
                write(ns, name, status);
                return;
            }
            List<Container> inits = pod.getSpec().getInitContainers();
            List<Container> all = new ArrayList<>(inits);
            all.addAll(pod.getSpec().getContainers());
            status.setPhase("Pending");
            status.setStartTime(now());
            status.setConditions(List.of(condition("PodScheduled", "True", null, null)));
            List<ContainerStatus> initStatuses = new ArrayList<>();
            List<ContainerStatus> mainStatuses = new ArrayList<>();
            for (Container c : all) {
                ContainerStatus cs = new ContainerStatus();
                cs.setName(c.getName());
                cs.setImage(c.getImage());
                cs.setState(waiting("PodInitializing", null));
                (inits.contains(c) ? initStatuses : mainStatuses).add(cs);
            }
            status.setInitContainerStatuses(initStatuses);
            status.setContainerStatuses(mainStatuses);
            write(ns, name, status);
            for (int i = 0; i < all.size(); i++) {
                Container c = all.get(i);
                ContainerStatus cs = i < inits.size() ? initStatuses.get(i) : mainStatuses.get(i - inits.size());
                if (script.is("ImagePullBackOff", c)) {
                    cs.setState(waiting("ImagePullBackOff", "Back-off pulling image \"" + c.getImage() + "\""));
                    write(ns, name, status);
                    return;
                }
                String started = now();
                cs.setState(new ContainerState(new ContainerStateRunning(started), null, null));
                if (i >= inits.size()) {
                    status.setPhase("Running");
                }
                write(ns, name, status);
                if (script.is("Evicted", c)) {
                    if (!sleep(0.1)) {
                        return;
                    }
                    status.setPhase("Failed");
                    status.setReason("Evicted");
                    status.setMessage("The node was low on resource: memory. Container " + c.getName()
                            + " was using 900Mi, which exceeds its request of 0.");
                    write(ns, name, status);
                    return;
                }
                if (script.is("Never", c)) {
                    return;
                }
                if (!sleep(Double.parseDouble(env(c, "STEP_SLEEP", "0")))) {
                    return; // closed: a stopped kubelet writes nothing more
                }
                int exit = Integer.parseInt(env(c, "STEP_EXIT", "0"));
                String message = env(c, "STEP_MESSAGE", null);
                String reason = exit == 0 ? "Completed" : "Error";
                if (script.is("OOMKilled", c)) {
                    exit = 137;
                    reason = "OOMKilled";
                    message = null;
                }
                cs.setState(new ContainerState(null, new ContainerStateTerminated(null, exit, now(), message, reason,
                        null, started), null));
                if (exit != 0) {
                    status.setPhase("Failed");
                    write(ns, name, status);
                    return;
                }
                write(ns, name, status);
            }
            status.setPhase("Succeeded");
            write(ns, name, status);
        } catch (KubernetesClientException e) {
            // the pod was deleted under us: a real kubelet stops too
        } catch (RuntimeException e) {
            e.printStackTrace();
        }
    }

    private void write(String ns, String name, PodStatus status) {
        PodStatus copy = client.getKubernetesSerialization().clone(status);
        client.pods().inNamespace(ns).withName(name).editStatus(p -> {
            p.setStatus(copy);
            return p;
        });
    }

    private static ContainerState waiting(String reason, String message) {
        return new ContainerState(null, null, new ContainerStateWaiting(message, reason));
    }

    private static PodCondition condition(String type, String status, String reason, String message) {
        PodCondition c = new PodCondition();
        c.setType(type);
        c.setStatus(status);
        c.setReason(reason);
        c.setMessage(message);
        c.setLastTransitionTime(now());
        return c;
    }

    private static String env(Container c, String name, String fallback) {
        for (EnvVar e : c.getEnv()) {
            if (e.getName().equals(name) && e.getValue() != null) {
                return e.getValue();
            }
        }
        return fallback;
    }

    private static String now() {
        return Instant.now().toString();
    }

    /** False when interrupted (the kubelet is closing). */
    private static boolean sleep(double seconds) {
        try {
            Thread.sleep((long) (seconds * 1000));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops watching, interrupts the pods being played and waits for them, so nothing writes after the close. */
    @Override
    public void close() {
        if (informer != null) {
            informer.stop();
        }
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
