package io.stashflow.api.model;

import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;

/**
 * What a BackupConfiguration (or BackupBatch member) backs up.
 *
 * @param alias an identifier that tells targets of one BackupBatch apart
 * @param replicas for StatefulSets: how many replicas to back up; boxed so "absent" stays visible
 * @param snapshotClassName VolumeSnapshotClass for the VolumeSnapshotter driver
 */
public record BackupTarget(
        String alias,
        TargetRef ref,
        List<String> paths,
        List<VolumeMount> volumeMounts,
        Integer replicas,
        String snapshotClassName,
        List<String> exclude,
        List<String> args) {

    public BackupTarget {
        paths = ModelCollections.list(paths);
        volumeMounts = ModelCollections.list(volumeMounts);
        exclude = ModelCollections.list(exclude);
        args = ModelCollections.list(args);
    }
}
