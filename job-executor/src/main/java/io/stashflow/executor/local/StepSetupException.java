package io.stashflow.executor.local;

/**
 * A step cannot be started locally. The reason mirrors what Kubernetes would report where there is an equivalent
 * ({@code CreateContainerConfigError} for a missing Secret), otherwise it names the local cause
 * ({@code UnmappedImage}, {@code UnsupportedVolume}, {@code InvalidSetting}).
 */
public final class StepSetupException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public StepSetupException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
