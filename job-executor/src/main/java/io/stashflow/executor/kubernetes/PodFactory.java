package io.stashflow.executor.kubernetes;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.stashflow.api.plan.PodPlanMapper;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.SessionKind;
import io.stashflow.executor.plan.PlanIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Builds the pod the agent creates for a plan: the plan's pod ({@link PodPlanMapper#toPod}) plus what the agent adds.
 * Pure: owner uids come from a lookup function, the time from the caller.
 *
 * <p>Added:
 * <ul>
 *   <li>labels for cluster, session, session kind, invoker and target index (values made legal), and
 *       {@code app.kubernetes.io/managed-by=stashflow-executor}; the plan's own labels are kept;</li>
 *   <li>the plan identity annotation, so the pod describes itself to a restarted agent;</li>
 *   <li>owner references with their uid (a real API server rejects one without); an owner that does not exist in the
 *       cluster is left out rather than failing the pod;</li>
 *   <li>a restrictive security context, only where the plan leaves a field unset: {@code runAsNonRoot: true} unless
 *       the effective user is root (Stash restores run as root on purpose), {@code allowPrivilegeEscalation: false}
 *       unless privileged or adding {@code SYS_ADMIN} (the API server rejects those combinations), capabilities
 *       {@code drop: [ALL]}, and the pod's seccomp profile {@code RuntimeDefault};</li>
 *   <li>{@code activeDeadlineSeconds} a minute past the session deadline, as a backstop should the agent be down
 *       when the deadline passes (the agent itself deletes the pod at the deadline).</li>
 * </ul>
 */
public final class PodFactory {

    /** How long after the deadline the kubelet's own backstop fires. */
    static final Duration DEADLINE_BACKSTOP = Duration.ofMinutes(1);

    private PodFactory() {
    }

    /**
     * @param ownerUid the uid of an owner in the pod's namespace (by kind and name), empty when it does not exist
     */
    public static Pod build(JobPlanned plan, PlanIdentity identity, Instant now,
                            Function<OwnerReference, Optional<String>> ownerUid) {
        Pod pod = PodPlanMapper.toPod(plan.getPod());
        Map<String, String> labels = new LinkedHashMap<>(pod.getMetadata().getLabels());
        labels.putAll(agentLabels(identity));
        pod.getMetadata().setLabels(labels);
        pod.getMetadata().getAnnotations().put(PodLabels.PLAN_ANNOTATION, identity.toJson());

        List<OwnerReference> owners = new ArrayList<>();
        for (OwnerReference ref : pod.getMetadata().getOwnerReferences()) {
            if (ref.getUid() != null && !ref.getUid().isEmpty()) {
                owners.add(ref);
            } else {
                ownerUid.apply(ref).ifPresent(uid -> {
                    ref.setUid(uid);
                    owners.add(ref);
                });
            }
        }
        pod.getMetadata().setOwnerReferences(owners);

        applySecurityDefaults(pod);
        if (identity.deadline() != null) {
            long seconds = Math.max(1, Duration.between(now, identity.deadline()).plus(DEADLINE_BACKSTOP).toSeconds());
            pod.getSpec().setActiveDeadlineSeconds(seconds);
        }
        return pod;
    }

    /** The labels that identify the agent's pods (the informer selects on managed-by and cluster). */
    public static Map<String, String> agentLabels(PlanIdentity identity) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PodLabels.MANAGED_BY, PodLabels.MANAGED_BY_VALUE);
        labels.put(PodLabels.CLUSTER, PodLabels.value(identity.cluster()));
        labels.put(PodLabels.SESSION, PodLabels.value(identity.sessionName()));
        labels.put(PodLabels.SESSION_KIND, identity.sessionKind() == SessionKind.BACKUP ? "backup" : "restore");
        labels.put(PodLabels.INVOKER_KIND, PodLabels.value(identity.invokerKind()));
        labels.put(PodLabels.INVOKER_NAME, PodLabels.value(identity.invokerName()));
        labels.put(PodLabels.TARGET_INDEX, Integer.toString(identity.targetIndex()));
        return labels;
    }

    /** The informer's label selector for one cluster's agent. */
    public static Map<String, String> selector(String cluster) {
        return Map.of(PodLabels.MANAGED_BY, PodLabels.MANAGED_BY_VALUE, PodLabels.CLUSTER, PodLabels.value(cluster));
    }

    static void applySecurityDefaults(Pod pod) {
        PodSecurityContext podContext = pod.getSpec().getSecurityContext();
        if (podContext == null) {
            podContext = new PodSecurityContext();
            pod.getSpec().setSecurityContext(podContext);
        }
        if (podContext.getSeccompProfile() == null) {
            podContext.setSeccompProfile(new SeccompProfile(null, "RuntimeDefault"));
        }
        Long podUser = podContext.getRunAsUser();
        Boolean podNonRoot = podContext.getRunAsNonRoot();
        List<Container> all = new ArrayList<>(pod.getSpec().getInitContainers());
        all.addAll(pod.getSpec().getContainers());
        for (Container c : all) {
            SecurityContext sc = c.getSecurityContext();
            if (sc == null) {
                sc = new SecurityContext();
                c.setSecurityContext(sc);
            }
            Long user = sc.getRunAsUser() != null ? sc.getRunAsUser() : podUser;
            if (sc.getRunAsNonRoot() == null && podNonRoot == null && (user == null || user != 0L)) {
                sc.setRunAsNonRoot(true);
            }
            boolean privileged = Boolean.TRUE.equals(sc.getPrivileged());
            boolean sysAdmin = sc.getCapabilities() != null && sc.getCapabilities().getAdd() != null
                    && sc.getCapabilities().getAdd().stream().anyMatch(a -> a.equals("SYS_ADMIN") || a.equals("CAP_SYS_ADMIN"));
            if (sc.getAllowPrivilegeEscalation() == null && !privileged && !sysAdmin) {
                sc.setAllowPrivilegeEscalation(false);
            }
            if (sc.getCapabilities() == null) {
                sc.setCapabilities(new Capabilities(null, new ArrayList<>(List.of("ALL"))));
            }
        }
    }
}
