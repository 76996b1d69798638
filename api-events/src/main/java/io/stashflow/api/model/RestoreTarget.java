package io.stashflow.api.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;

/**
 * What a RestoreSession restores into.
 *
 * @param volumeClaimTemplates claim templates (metadata and spec); fabric8's default apiVersion and kind are not
 *     written back, like for {@code interimVolumeTemplate}
 */
public record RestoreTarget(
        String alias,
        TargetRef ref,
        List<VolumeMount> volumeMounts,
        Integer replicas,
        @JsonIgnoreProperties(value = {"apiVersion", "kind"}, allowSetters = true) List<PersistentVolumeClaim> volumeClaimTemplates,
        List<Rule> rules,
        List<String> args) {

    public RestoreTarget {
        volumeMounts = ModelCollections.list(volumeMounts);
        volumeClaimTemplates = ModelCollections.list(volumeClaimTemplates);
        rules = ModelCollections.list(rules);
        args = ModelCollections.list(args);
    }
}
