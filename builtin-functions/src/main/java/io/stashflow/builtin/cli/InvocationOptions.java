package io.stashflow.builtin.cli;

import io.stashflow.api.model.TargetRef;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Who runs the step and for what: the session, invoker, target and host flags Stash's commands share. */
public final class InvocationOptions {

    /** Stash's default host name (stashed/apimachinery {@code pkg/restic/config.go}). */
    public static final String DEFAULT_HOST = "host-0";

    @Option(names = "--namespace", description = "Namespace of the session (NAMESPACE; default: ${DEFAULT-VALUE})")
    String namespace = "default";

    @Option(names = "--backupsession", description = "BackupSession name (BACKUP_SESSION); non-empty means this is a backup")
    String backupSession = "";

    @Option(names = "--restoresession", description = "RestoreSession name (RESTORE_SESSION)")
    String restoreSession = "";

    @Option(names = "--invoker-kind", description = "Invoker kind (INVOKER_KIND)")
    String invokerKind = "";

    @Option(names = "--invoker-name", description = "Invoker name (INVOKER_NAME)")
    String invokerName = "";

    @Option(names = "--target-kind", description = "Target kind (TARGET_KIND)")
    String targetKind = "";

    @Option(names = "--target-name", description = "Target name (TARGET_NAME)")
    String targetName = "";

    @Option(names = "--target-namespace", description = "Target namespace (TARGET_NAMESPACE; default: --namespace)")
    String targetNamespace = "";

    @Option(names = "--hostname", description = "Host name of this backup or restore (HOSTNAME; empty: " + DEFAULT_HOST + ")")
    String hostname = "";

    @Option(names = "--output-dir", description = "Directory of output.json, shared by the Task's steps (outputDir param)")
    Path outputDir;

    public String namespace() {
        return FlagValues.orDefault(namespace, "default");
    }

    public boolean isBackup() {
        return backupSession != null && !backupSession.isBlank();
    }

    /** The BackupSession name for a backup, else the RestoreSession name (possibly empty). */
    public String sessionName() {
        return isBackup() ? backupSession : FlagValues.orDefault(restoreSession, "");
    }

    public String invokerKind() {
        return FlagValues.orDefault(invokerKind, "");
    }

    public String invokerName() {
        return FlagValues.orDefault(invokerName, "");
    }

    public String targetKind() {
        return FlagValues.orDefault(targetKind, "");
    }

    public String targetName() {
        return FlagValues.orDefault(targetName, "");
    }

    public String targetNamespace() {
        return FlagValues.orDefault(targetNamespace, namespace());
    }

    /** {@code --hostname}, or Stash's {@code host-0} when it is empty. */
    public String hostname() {
        return FlagValues.orDefault(hostname, DEFAULT_HOST);
    }

    /** The target as output.json names it; fields without a value are left out. */
    public TargetRef targetRef() {
        return new TargetRef(null, emptyToNull(targetKind()), emptyToNull(targetName()), emptyToNull(targetNamespace()));
    }

    /** {@code --output-dir}, or null when it was not given or is empty. */
    public Path outputDir() {
        return outputDir == null || outputDir.toString().isBlank() ? null : outputDir;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
