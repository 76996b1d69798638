package io.stashflow.api.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The kinds the reader accepts, each with the one apiVersion Stash serves it under. */
public enum StashKind {
    FUNCTION("stash.appscode.com/v1beta1", "Function", true, Function.class),
    TASK("stash.appscode.com/v1beta1", "Task", true, Task.class),
    BACKUP_CONFIGURATION("stash.appscode.com/v1beta1", "BackupConfiguration", false, BackupConfiguration.class),
    BACKUP_SESSION("stash.appscode.com/v1beta1", "BackupSession", false, BackupSession.class),
    RESTORE_SESSION("stash.appscode.com/v1beta1", "RestoreSession", false, RestoreSession.class),
    REPOSITORY("stash.appscode.com/v1alpha1", "Repository", false, Repository.class),
    BACKUP_BLUEPRINT("stash.appscode.com/v1beta1", "BackupBlueprint", true, BackupBlueprint.class),
    BACKUP_BATCH("stash.appscode.com/v1beta1", "BackupBatch", false, BackupBatch.class),
    APP_BINDING("appcatalog.appscode.com/v1alpha1", "AppBinding", false, AppBinding.class);

    private final String apiVersion;
    private final String kind;
    private final boolean clusterScoped;
    private final Class<? extends StashResource> resourceType;

    StashKind(String apiVersion, String kind, boolean clusterScoped, Class<? extends StashResource> resourceType) {
        this.apiVersion = apiVersion;
        this.kind = kind;
        this.clusterScoped = clusterScoped;
        this.resourceType = resourceType;
    }

    public String apiVersion() {
        return apiVersion;
    }

    public String kind() {
        return kind;
    }

    public boolean clusterScoped() {
        return clusterScoped;
    }

    /** The record class documents of this kind are read into. */
    public Class<? extends StashResource> resourceType() {
        return resourceType;
    }

    /** The API group, i.e. {@code apiVersion} without the version. */
    public String group() {
        return apiVersion.substring(0, apiVersion.indexOf('/'));
    }

    /** The kind served under exactly this apiVersion and kind; empty for anything else. */
    public static Optional<StashKind> of(String apiVersion, String kind) {
        for (StashKind candidate : values()) {
            if (candidate.apiVersion.equals(apiVersion) && candidate.kind.equals(kind)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The kind for a resource record. */
    public static StashKind of(StashResource resource) {
        for (StashKind candidate : values()) {
            if (candidate.resourceType.isInstance(resource)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("not a Stash resource record: " + resource.getClass().getName());
    }

    /** Every accepted kind as {@code apiVersion kind}, for error messages. */
    public static String accepted() {
        return Arrays.stream(values())
                .map(k -> k.apiVersion + " " + k.kind)
                .collect(Collectors.joining(", "));
    }
}
