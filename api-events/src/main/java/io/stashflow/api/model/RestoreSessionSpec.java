package io.stashflow.api.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.util.List;

/** @param rules deprecated in Stash (moved into {@code target.rules}) but still read */
public record RestoreSessionSpec(
        TaskRef task,
        RestoreTarget target,
        RuntimeSettings runtimeSettings,
        EmptyDirSettings tempDir,
        @JsonIgnoreProperties(value = {"apiVersion", "kind"}, allowSetters = true) PersistentVolumeClaim interimVolumeTemplate,
        RestoreHooks hooks,
        String driver,
        ObjectRef repository,
        List<Rule> rules,
        String timeOut) {

    public RestoreSessionSpec {
        rules = ModelCollections.list(rules);
    }
}
