package io.stashflow.planner.resolver;

import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixed names and paths of Stash's backup/restore pod and the list upserts Stash uses to put them in
 * (kmodules {@code UpsertVolume}, {@code UpsertVolumeMount}, {@code UpsertVolumeMountByPath}). All methods
 * return new lists and never change their arguments.
 */
public final class PodLayout {

    private PodLayout() {
    }

    /** The emptyDir every container mounts at {@link #TMP_MOUNT_PATH}. */
    public static final String TMP_VOLUME_NAME = "stash-tmp-dir";
    public static final String TMP_MOUNT_PATH = "/stash-tmp";
    /** The PVC created from {@code interimVolumeTemplate}. */
    public static final String INTERIM_VOLUME_NAME = "stash-interim-volume";
    public static final String INTERIM_VOLUME_MOUNT_PATH = "/stash-interim-volume";
    /** The volume of a {@code local} Repository backend. */
    public static final String LOCAL_BACKEND_VOLUME_NAME = "stash-local";
    public static final String PRE_TASK_HOOK = "pre-task-hook";
    public static final String POST_TASK_HOOK = "post-task-hook";
    /** The built-in Function whose work (status, metrics) Stashflow's status-reporter takes over. */
    public static final String UPDATE_STATUS_FUNCTION = "update-status";

    /** Stash's container name for step {@code index}: the Function name with dots replaced by dashes. */
    public static String stepContainerName(String functionName, int index) {
        return functionName.replace('.', '-') + "-" + index;
    }

    /** Replaces the mount with the same name, or appends (kmodules {@code UpsertVolumeMount}). */
    public static List<VolumeMount> upsertMountByName(List<VolumeMount> mounts, VolumeMount mount) {
        List<VolumeMount> result = new ArrayList<>(mounts);
        for (int i = 0; i < result.size(); i++) {
            if (equalsNullable(result.get(i).getName(), mount.getName())) {
                result.set(i, mount);
                return result;
            }
        }
        result.add(mount);
        return result;
    }

    /** Replaces the mount with the same path, or appends (kmodules {@code UpsertVolumeMountByPath}). */
    public static List<VolumeMount> upsertMountByPath(List<VolumeMount> mounts, VolumeMount mount) {
        List<VolumeMount> result = new ArrayList<>(mounts);
        for (int i = 0; i < result.size(); i++) {
            if (equalsNullable(result.get(i).getMountPath(), mount.getMountPath())) {
                result.set(i, mount);
                return result;
            }
        }
        result.add(mount);
        return result;
    }

    /** Replaces the volume with the same name, or appends (kmodules {@code UpsertVolume}). */
    public static List<Volume> upsertVolume(List<Volume> volumes, Volume volume) {
        List<Volume> result = new ArrayList<>(volumes);
        for (int i = 0; i < result.size(); i++) {
            if (equalsNullable(result.get(i).getName(), volume.getName())) {
                result.set(i, volume);
                return result;
            }
        }
        result.add(volume);
        return result;
    }

    /** The {@code /stash-tmp} mount every step container gets. */
    public static VolumeMount tmpMount() {
        return new VolumeMountBuilder().withName(TMP_VOLUME_NAME).withMountPath(TMP_MOUNT_PATH).build();
    }

    /** The {@code stash-tmp-dir} emptyDir with {@code tempDir.medium} and {@code tempDir.sizeLimit}. */
    public static Volume tmpVolume(String medium, Quantity sizeLimit) {
        EmptyDirVolumeSource emptyDir = new EmptyDirVolumeSource();
        if (medium != null && !medium.isEmpty()) {
            emptyDir.setMedium(medium);
        }
        if (sizeLimit != null) {
            emptyDir.setSizeLimit(new Quantity(sizeLimit.getAmount(), sizeLimit.getFormat()));
        }
        return new VolumeBuilder().withName(TMP_VOLUME_NAME).withEmptyDir(emptyDir).build();
    }

    private static boolean equalsNullable(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }
}
