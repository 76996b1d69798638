package io.stashflow.builtin.restic;

/**
 * A restic operation failed. The message is already redacted: it names the operation, the repository (without
 * credentials) and restic's reason, and is safe for logs and result files.
 */
public final class ResticException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean repositoryDamaged;

    public ResticException(String message, boolean repositoryDamaged) {
        super(message);
        this.repositoryDamaged = repositoryDamaged;
    }

    public ResticException(String message) {
        this(message, false);
    }

    /** {@code restic check} ran and found damage, as opposed to failing for another reason. */
    public boolean repositoryDamaged() {
        return repositoryDamaged;
    }
}
