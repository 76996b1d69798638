package io.stashflow.planner.topology;

import io.stashflow.api.model.BackupBatch;
import io.stashflow.api.model.BackupConfiguration;
import io.stashflow.api.model.BackupConfigurationTemplateSpec;
import io.stashflow.api.model.BackupTarget;
import io.stashflow.api.model.ObjectRef;
import io.stashflow.api.model.RestoreSession;
import io.stashflow.api.model.RetryConfig;
import io.stashflow.api.model.TargetRef;
import io.stashflow.planner.lifecycle.GoDuration;
import io.stashflow.planner.lifecycle.InvokerView;
import io.stashflow.planner.lifecycle.TargetKey;
import io.stashflow.planner.resolver.StashResolver;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * What the planner reads from an invoker's definition besides what the resolver uses: its targets in order, whether
 * it is paused, its execution order, repository, history limit and retry settings.
 *
 * @param targets    one entry per pod the session gets, in target-index order; a BackupConfiguration without
 *                   {@code spec.target} has one "EmptyTarget" entry, as the resolver plans one pod for it
 * @param repository {@code namespace/name} of {@code spec.repository}, or null
 */
record InvokerFacts(String kind, String namespace, String name, boolean paused, boolean sequential,
                    List<Target> targets, String repository, Integer backupHistoryLimit, RetryConfig retryConfig,
                    String timeOut) {

    /** Stash's placeholder ref for a backup without a target (apimachinery EmptyTargetRef). */
    static final TargetRef EMPTY_TARGET = new TargetRef("na", "EmptyTarget", "na", null);

    /** One target: its ref as written (namespace defaulted) and the key the rules compare. */
    record Target(TargetRef ref, TargetKey key) {
    }

    static InvokerFacts of(BackupConfiguration config, String namespace) {
        var spec = config.spec();
        List<Target> targets = new ArrayList<>();
        targets.add(target(spec == null ? null : spec.target(), namespace));
        return new InvokerFacts(StashResolver.KIND_BACKUP_CONFIGURATION, namespace, config.name(),
                spec != null && Boolean.TRUE.equals(spec.paused()), false, targets,
                repository(spec == null ? null : spec.repository(), namespace),
                spec == null ? null : spec.backupHistoryLimit(), spec == null ? null : spec.retryConfig(),
                spec == null ? null : spec.timeOut());
    }

    static InvokerFacts of(BackupBatch batch, String namespace) {
        var spec = batch.spec();
        List<Target> targets = new ArrayList<>();
        if (spec != null) {
            for (BackupConfigurationTemplateSpec member : spec.members()) {
                targets.add(target(member.target(), namespace));
            }
        }
        return new InvokerFacts(StashResolver.KIND_BACKUP_BATCH, namespace, batch.name(),
                spec != null && Boolean.TRUE.equals(spec.paused()),
                spec != null && "Sequential".equals(spec.executionOrder()), targets,
                repository(spec == null ? null : spec.repository(), namespace),
                spec == null ? null : spec.backupHistoryLimit(), spec == null ? null : spec.retryConfig(),
                spec == null ? null : spec.timeOut());
    }

    static InvokerFacts of(RestoreSession session, String namespace) {
        var spec = session.spec();
        TargetRef ref = spec == null || spec.target() == null || spec.target().ref() == null
                ? new TargetRef(null, null, null, null) : spec.target().ref();
        TargetRef withNamespace = withNamespace(ref, namespace);
        return new InvokerFacts(StashResolver.KIND_RESTORE_SESSION, namespace, session.name(), false, false,
                List.of(new Target(withNamespace, key(withNamespace, namespace))),
                repository(spec == null ? null : spec.repository(), namespace), null, null,
                spec == null ? null : spec.timeOut());
    }

    private static Target target(BackupTarget target, String namespace) {
        if (target == null || target.ref() == null) {
            return new Target(EMPTY_TARGET, key(EMPTY_TARGET, namespace));
        }
        TargetRef ref = withNamespace(target.ref(), namespace);
        return new Target(ref, key(ref, namespace));
    }

    private static TargetRef withNamespace(TargetRef ref, String namespace) {
        String ns = ref.namespace() == null || ref.namespace().isEmpty() ? namespace : ref.namespace();
        return new TargetRef(ref.apiVersion(), ref.kind(), ref.name(), ns);
    }

    private static TargetKey key(TargetRef ref, String namespace) {
        return TargetKey.of(ref.kind(), ref.namespace(), ref.name(), namespace);
    }

    private static String repository(ObjectRef ref, String namespace) {
        if (ref == null || ref.name() == null || ref.name().isEmpty()) {
            return null;
        }
        String ns = ref.namespace() == null || ref.namespace().isEmpty() ? namespace : ref.namespace();
        return ns + "/" + ref.name();
    }

    /** A duration field of the invoker that is not a Go duration. */
    record DurationProblem(String field, String message) {
    }

    /** {@code spec.timeOut} or {@code spec.retryConfig.delay} that the API server would have refused. */
    Optional<DurationProblem> durationProblem() {
        Optional<DurationProblem> problem = check("spec.timeOut", timeOut);
        if (problem.isEmpty() && retryConfig != null) {
            problem = check("spec.retryConfig.delay", retryConfig.delay());
        }
        return problem;
    }

    private Optional<DurationProblem> check(String field, String value) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        try {
            GoDuration.parse(value);
            return Optional.empty();
        } catch (GoDuration.InvalidDurationException e) {
            return Optional.of(new DurationProblem(field, kind + " " + namespace + "/" + name + ": " + field + " is '"
                    + value + "': " + e.getMessage() + "; write a Go duration such as 30m, 1h30m or 90s"));
        }
    }

    /** The rules' view; {@code invokerCount} tells how many invokers back up a target. */
    InvokerView view(ToIntFunction<TargetKey> invokerCount) {
        List<TargetKey> keys = targets.stream().map(Target::key).toList();
        Set<TargetKey> shared = new LinkedHashSet<>();
        for (TargetKey key : keys) {
            if (invokerCount.applyAsInt(key) > 1) {
                shared.add(key);
            }
        }
        return new InvokerView(kind, namespace, name, paused, sequential, keys, shared);
    }
}
