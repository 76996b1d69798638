package io.stashflow.api.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.fabric8.kubernetes.api.model.Volume;

/**
 * A {@code local} backend: a volume mounted into the backup pod. In YAML the volume source ({@code hostPath},
 * {@code nfs}, {@code persistentVolumeClaim}, ...) is written inline next to {@code mountPath} and {@code subPath};
 * here it is a fabric8 {@link Volume} whose name is null, so the resolver can name it and put it into the pod.
 * {@link LocalSpecJson} keeps the JSON shape inline in both directions.
 *
 * @param volumeSource null when no volume source field is written
 */
@JsonDeserialize(using = LocalSpecJson.Reader.class)
@JsonSerialize(using = LocalSpecJson.Writer.class)
public record LocalSpec(String mountPath, String subPath, Volume volumeSource) {
}
