package io.stashflow.planner.resolver;

import io.stashflow.api.model.Param;
import io.stashflow.api.model.StashAddon;
import io.stashflow.api.model.StashTaskSpec;
import io.stashflow.api.model.TaskRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Task an invoker runs once the target AppBinding's Stash addon is taken into account (section 1.10,
 * stashed/apimachinery {@code ExtractAddonInfo}):
 * <ul>
 * <li>the addon's task is the default; a non-empty {@code spec.task.name} of the invoker replaces its name;</li>
 * <li>non-empty {@code spec.task.params} are upserted over the addon's params: the invoker's values win, and
 * addon params the invoker does not name are kept;</li>
 * <li>a backup uses the addon's {@code backupTask}, a restore its {@code restoreTask}.</li>
 * </ul>
 * <b>Departure:</b> Stash computes the restore params from the addon's <em>backup</em> task params; here the
 * restore params come from the addon's {@code restoreTask}, as the AppBinding says.
 *
 * <p>Stash merges the params through a Go map and loses their order; here the addon's order is kept, with the
 * invoker's new params appended in the invoker's order (the order has no effect on the variables).
 */
public final class AddonTaskMerge {

    private AddonTaskMerge() {
    }

    /** The name and params of the Task to run; {@code name} may be null or empty when nothing names one. */
    public record EffectiveTask(String name, List<Param> params) {
        public EffectiveTask {
            params = List.copyOf(params);
        }
    }

    /** The backup Task: the addon's {@code backupTask} merged with the invoker's {@code spec.task}. */
    public static EffectiveTask forBackup(TaskRef invokerTask, Optional<StashAddon> addon) {
        return merge(invokerTask, addon.map(StashAddon::backupTask).orElse(null));
    }

    /** The restore Task: the addon's {@code restoreTask} merged with the invoker's {@code spec.task}. */
    public static EffectiveTask forRestore(TaskRef invokerTask, Optional<StashAddon> addon) {
        return merge(invokerTask, addon.map(StashAddon::restoreTask).orElse(null));
    }

    private static EffectiveTask merge(TaskRef invokerTask, StashTaskSpec addonTask) {
        String invokerName = invokerTask == null ? null : invokerTask.name();
        List<Param> invokerParams = invokerTask == null ? List.of() : invokerTask.params();
        String name = addonTask == null ? null : addonTask.name();
        if (invokerName != null && !invokerName.isEmpty()) {
            name = invokerName;
        }
        List<Param> params = new ArrayList<>(addonTask == null ? List.of() : addonTask.params());
        for (Param param : invokerParams) {
            upsert(params, param);
        }
        return new EffectiveTask(name, params);
    }

    private static void upsert(List<Param> params, Param param) {
        for (int i = 0; i < params.size(); i++) {
            if (Objects.equals(params.get(i).name(), param.name())) {
                params.set(i, param);
                return;
            }
        }
        params.add(param);
    }
}
