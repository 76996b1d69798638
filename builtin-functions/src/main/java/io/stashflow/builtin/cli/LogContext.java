package io.stashflow.builtin.cli;

import org.slf4j.MDC;

/** Puts the step and session into the logging MDC (keys {@code step}, {@code session}) for one command run. */
public final class LogContext implements AutoCloseable {

    private LogContext() {
    }

    public static LogContext open(String step, String session) {
        MDC.put("step", step);
        if (session != null && !session.isEmpty()) {
            MDC.put("session", session);
        }
        return new LogContext();
    }

    @Override
    public void close() {
        MDC.remove("step");
        MDC.remove("session");
    }
}
