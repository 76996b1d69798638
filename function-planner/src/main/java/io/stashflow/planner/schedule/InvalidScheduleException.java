package io.stashflow.planner.schedule;

/** A {@code spec.schedule} text that Kubernetes' CronJob validation would refuse; the message says what and how to fix. */
public final class InvalidScheduleException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidScheduleException(String message) {
        super(message);
    }
}
