package io.stashflow.planner.resolver;

import com.fasterxml.jackson.databind.JsonNode;
import io.stashflow.planner.envsubst.EnvsubstTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Follows a stand-in session name through one resolution ({@link StashResolver#resolveBackupSessionWithStandIn}) and
 * notes every way in which the plans depend on the name other than by carrying copies of it where the plan cache
 * substitutes them: container args, commands and env values (from Function, Task and hook templates that copy the
 * name unchanged), and the pod name and owner reference, which the resolver derives from the name itself.
 *
 * <p>The stand-in must occur in no definition and no setting, so that every occurrence of it in a value came from
 * the session's name (callers use a random name). Each template is checked when it is substituted: a variable whose
 * value holds the stand-in ({@code BACKUP_SESSION}, or a step param set from it) must only be inserted unchanged
 * ({@link EnvsubstTemplate#insertsUnchanged}); and a field whose result holds the stand-in must be one of the copy
 * fields, since any other field is a name, a path, an image or a param that the resolution compares, looks up or
 * derives other values from.
 */
final class StandInWatch {

    /** Task fields that may hold the name: a step param's value, which becomes a variable of the step's Function. */
    static final Pattern TASK_COPY_FIELDS = Pattern.compile("spec\\.steps\\[\\d+]\\.params\\[\\d+]\\.value");
    /** Function fields that may hold the name: they become the container's args, command and env values. */
    static final Pattern FUNCTION_COPY_FIELDS = Pattern.compile(
            "spec\\.(args|command)\\[\\d+]|spec\\.runtimeSettings\\.env\\[\\d+]\\.value");
    /** Pod fields that may hold the name. */
    private static final Pattern POD_FIELDS = Pattern.compile(
            "metadata\\.name|metadata\\.ownerReferences\\[\\d+]\\.name"
            + "|spec\\.(initContainers|containers)\\[\\d+]\\.((args|command)\\[\\d+]|env\\[\\d+]\\.value)");

    private final String standIn;
    private final List<String> problems = new ArrayList<>();

    StandInWatch(String standIn) {
        if (standIn == null || standIn.isEmpty()) {
            throw new IllegalArgumentException("the stand-in session name must not be empty");
        }
        this.standIn = standIn;
    }

    String standIn() {
        return standIn;
    }

    /**
     * A field of a Task, Function or hook was substituted.
     *
     * @param where      the resource and field, e.g. {@code Function pg-backup spec.args[3]}
     * @param copyField  whether the field is one that may carry copies of the name
     */
    void substituted(String where, EnvsubstTemplate template, Map<String, String> values, String result,
                     boolean copyField) {
        if (!template.insertsUnchanged(name -> holdsStandIn(values.get(name)))) {
            problems.add(where + " cuts, measures, changes or matches against the session name (or a value made"
                    + " from it)");
        }
        if (!copyField && holdsStandIn(result)) {
            problems.add(where + " takes the session name; only container args, commands and env values may");
        }
    }

    /**
     * {@code text} is about to be tested for starting with {@code prefix}: the answer must not depend on the name,
     * so the text before the name's first copy must already decide it.
     */
    void prefixTest(String text, String prefix, String where) {
        int at = text.indexOf(standIn);
        if (at >= 0 && at < prefix.length() && prefix.startsWith(text.substring(0, at))) {
            problems.add(where + ": whether '" + text + "' starts with " + prefix + " depends on the session name");
        }
    }

    /** The finished plan: the name may only be in the pod name, owner reference names and the copy fields. */
    void plan(ResolvedPlan plan) {
        String where = "the pod of target " + plan.targetIndex();
        if (plan.interimVolumeClaim().isPresent()) {
            problems.add(where + " has an interim volume claim, whose name is made from the session name");
        }
        scan(Json.MAPPER.valueToTree(plan.pod()), new StringBuilder(), where);
        for (String psp : plan.podSecurityPolicyNames()) {
            if (holdsStandIn(psp)) {
                problems.add(where + ": a pod security policy name holds the session name");
            }
        }
        for (PlannedContainer container : plan.containers()) {
            if (holdsStandIn(container.containerName()) || holdsStandIn(container.functionName())) {
                problems.add(where + ": container " + container.containerName() + " is named after the session");
            }
        }
        if (holdsStandIn(plan.taskName()) || holdsStandIn(plan.timeOut())) {
            problems.add(where + ": the Task name or timeOut holds the session name");
        }
    }

    private void scan(JsonNode node, StringBuilder path, String where) {
        if (node.isTextual()) {
            if (holdsStandIn(node.textValue()) && !POD_FIELDS.matcher(path).matches()) {
                problems.add(where + ": " + path + " holds the session name");
            }
        } else if (node.isObject()) {
            int mark = path.length();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (holdsStandIn(field.getKey())) {
                    problems.add(where + ": a key of " + path + " holds the session name");
                }
                path.append(path.length() == 0 ? "" : ".").append(field.getKey());
                scan(field.getValue(), path, where);
                path.setLength(mark);
            }
        } else if (node.isArray()) {
            int mark = path.length();
            for (int i = 0; i < node.size(); i++) {
                path.append('[').append(i).append(']');
                scan(node.get(i), path, where);
                path.setLength(mark);
            }
        }
    }

    private boolean holdsStandIn(String value) {
        return value != null && value.contains(standIn);
    }

    /** Why the plans cannot serve other sessions, or empty when they can. */
    Optional<String> problem() {
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.join("; ", problems.size() > 5 ? problems.subList(0, 5) : problems)
                + (problems.size() > 5 ? " (and " + (problems.size() - 5) + " more)" : ""));
    }
}
