package io.stashflow.planner.topology;

import io.stashflow.events.ContainerSpec;
import io.stashflow.events.EnvVarSpec;
import io.stashflow.events.OwnerRef;
import io.stashflow.events.PodPlan;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * A pod plan made for a stand-in session name, turned into the plan of another session: the pod name is set, and
 * the stand-in is replaced by the session's name in the owner references' names and the containers' args, commands
 * and env values. {@link #of} refuses a plan that holds the stand-in anywhere else (it scans every other field,
 * including fields added to the schema later), because only those fields are substituted.
 *
 * <p>A rendered plan shares every part that does not hold the name with the template (and with the other rendered
 * plans); nothing changes plans once they are made.
 */
final class PodPlanTemplate {

    private final PodPlan template;
    private final String standIn;
    /** Indexes of the owner references whose name holds the stand-in. */
    private final int[] owners;
    /** Per init container, what to substitute, or null when nothing. */
    private final ContainerTemplate[] initContainers;
    private final ContainerTemplate container;

    /** The args, command and env entries of one container that hold the stand-in (indexes). */
    private record ContainerTemplate(int[] args, int[] command, int[] env) {
    }

    private PodPlanTemplate(PodPlan template, String standIn, int[] owners, ContainerTemplate[] initContainers,
                            ContainerTemplate container) {
        this.template = template;
        this.standIn = standIn;
        this.owners = owners;
        this.initContainers = initContainers;
        this.container = container;
    }

    /** The template, or empty when {@code plan} holds {@code standIn} in a field that is not substituted. */
    static Optional<PodPlanTemplate> of(PodPlan plan, String standIn) {
        int[] owners = null;
        ContainerTemplate[] inits = null;
        ContainerTemplate main = null;
        for (Schema.Field field : PodPlan.getClassSchema().getFields()) {
            switch (field.name()) {
                case "name" -> {
                    // the pod name is made from the session name by the renderer
                }
                case "ownerReferences" -> {
                    List<Integer> found = new ArrayList<>();
                    for (int i = 0; i < plan.getOwnerReferences().size(); i++) {
                        OwnerRef owner = plan.getOwnerReferences().get(i);
                        if (holds(owner, standIn, "name")) {
                            return Optional.empty();
                        }
                        if (owner.getName().contains(standIn)) {
                            found.add(i);
                        }
                    }
                    owners = found.stream().mapToInt(Integer::intValue).toArray();
                }
                case "initContainers" -> {
                    inits = new ContainerTemplate[plan.getInitContainers().size()];
                    for (int i = 0; i < inits.length; i++) {
                        Optional<ContainerTemplate> c = container(plan.getInitContainers().get(i), standIn);
                        if (c.isEmpty()) {
                            return Optional.empty();
                        }
                        inits[i] = c.get();
                    }
                }
                case "container" -> {
                    Optional<ContainerTemplate> c = container(plan.getContainer(), standIn);
                    if (c.isEmpty()) {
                        return Optional.empty();
                    }
                    main = c.get();
                }
                default -> {
                    if (holds(plan.get(field.pos()), standIn)) {
                        return Optional.empty();
                    }
                }
            }
        }
        return Optional.of(new PodPlanTemplate(plan, standIn, owners, inits, main));
    }

    private static Optional<ContainerTemplate> container(ContainerSpec spec, String standIn) {
        int[] args = null;
        int[] command = null;
        int[] env = null;
        for (Schema.Field field : ContainerSpec.getClassSchema().getFields()) {
            switch (field.name()) {
                case "args" -> args = indexesHolding(spec.getArgs(), standIn);
                case "command" -> command = indexesHolding(spec.getCommand(), standIn);
                case "env" -> {
                    List<Integer> found = new ArrayList<>();
                    for (int i = 0; i < spec.getEnv().size(); i++) {
                        EnvVarSpec var = spec.getEnv().get(i);
                        if (holds(var, standIn, "value")) {
                            return Optional.empty();
                        }
                        if (var.getValue() != null && var.getValue().contains(standIn)) {
                            found.add(i);
                        }
                    }
                    env = found.stream().mapToInt(Integer::intValue).toArray();
                }
                default -> {
                    if (holds(spec.get(field.pos()), standIn)) {
                        return Optional.empty();
                    }
                }
            }
        }
        if (args.length == 0 && command.length == 0 && env.length == 0) {
            return Optional.of(new ContainerTemplate(null, null, null));
        }
        return Optional.of(new ContainerTemplate(args, command, env));
    }

    private static int[] indexesHolding(List<String> values, String standIn) {
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).contains(standIn)) {
                found.add(i);
            }
        }
        return found.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Whether any field of {@code record} other than {@code except} holds the stand-in. */
    private static boolean holds(IndexedRecord record, String standIn, String except) {
        for (Schema.Field field : record.getSchema().getFields()) {
            if (!field.name().equals(except) && holds(record.get(field.pos()), standIn)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code value} (a string, record, list or map, at any depth) holds the stand-in. */
    private static boolean holds(Object value, String standIn) {
        if (value instanceof CharSequence text) {
            return text.toString().contains(standIn);
        }
        if (value instanceof IndexedRecord record) {
            return holds(record, standIn, null);
        }
        if (value instanceof Collection<?> items) {
            for (Object item : items) {
                if (holds(item, standIn)) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (holds(entry.getKey(), standIn) || holds(entry.getValue(), standIn)) {
                    return true;
                }
            }
            return false;
        }
        // numbers, booleans, enums and nulls
        return false;
    }

    /** The plan of the session named {@code sessionName}, whose pod is named {@code podName}. */
    PodPlan render(String podName, String sessionName) {
        PodPlan plan = copy(template, new PodPlan());
        plan.setName(podName);
        if (owners.length > 0) {
            List<OwnerRef> refs = new ArrayList<>(template.getOwnerReferences());
            for (int i : owners) {
                OwnerRef owner = copy(refs.get(i), new OwnerRef());
                owner.setName(owner.getName().replace(standIn, sessionName));
                refs.set(i, owner);
            }
            plan.setOwnerReferences(refs);
        }
        List<ContainerSpec> inits = null;
        for (int i = 0; i < initContainers.length; i++) {
            if (initContainers[i].args() != null) {
                if (inits == null) {
                    inits = new ArrayList<>(template.getInitContainers());
                }
                inits.set(i, render(template.getInitContainers().get(i), initContainers[i], sessionName));
            }
        }
        if (inits != null) {
            plan.setInitContainers(inits);
        }
        if (container.args() != null) {
            plan.setContainer(render(template.getContainer(), container, sessionName));
        }
        return plan;
    }

    private ContainerSpec render(ContainerSpec spec, ContainerTemplate where, String sessionName) {
        ContainerSpec rendered = copy(spec, new ContainerSpec());
        if (where.args().length > 0) {
            rendered.setArgs(replaced(spec.getArgs(), where.args(), sessionName));
        }
        if (where.command().length > 0) {
            rendered.setCommand(replaced(spec.getCommand(), where.command(), sessionName));
        }
        if (where.env().length > 0) {
            List<EnvVarSpec> env = new ArrayList<>(spec.getEnv());
            for (int i : where.env()) {
                EnvVarSpec var = copy(env.get(i), new EnvVarSpec());
                var.setValue(var.getValue().replace(standIn, sessionName));
                env.set(i, var);
            }
            rendered.setEnv(env);
        }
        return rendered;
    }

    private List<String> replaced(List<String> values, int[] indexes, String sessionName) {
        List<String> copy = new ArrayList<>(values);
        for (int i : indexes) {
            copy.set(i, copy.get(i).replace(standIn, sessionName));
        }
        return copy;
    }

    /** {@code target} with every field of {@code source} (the values themselves, not copies of them). */
    private static <T extends IndexedRecord> T copy(T source, T target) {
        int fields = source.getSchema().getFields().size();
        for (int i = 0; i < fields; i++) {
            target.put(i, source.get(i));
        }
        return target;
    }
}
