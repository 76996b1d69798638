package io.stashflow.service.logging;

import io.stashflow.events.SessionKey;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The structured log context of Stashflow: MDC keys {@code cluster}, {@code session} ({@code namespace/name}) and
 * {@code step}. Use in try-with-resources; closing restores whatever the keys held before, so contexts nest and a
 * pooled thread never leaks one session's context into the next.
 *
 * <pre>{@code
 * try (LogContext ignored = LogContext.session(key)) {
 *     LOG.info("session failed");          // ... cluster=prod session=demo/backup-1 step=
 * }
 * }</pre>
 */
public final class LogContext implements AutoCloseable {

    public static final String CLUSTER = "cluster";
    public static final String SESSION = "session";
    public static final String STEP = "step";

    private final Map<String, String> previous = new HashMap<>();

    private LogContext(Map<String, String> values) {
        values.forEach((key, value) -> {
            previous.put(key, MDC.get(key));
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
    }

    public static LogContext cluster(String cluster) {
        Map<String, String> values = new HashMap<>();
        values.put(CLUSTER, cluster);
        return new LogContext(values);
    }

    public static LogContext session(String cluster, String namespace, String name) {
        Map<String, String> values = new HashMap<>();
        values.put(CLUSTER, cluster);
        values.put(SESSION, namespace + "/" + name);
        return new LogContext(values);
    }

    public static LogContext session(SessionKey key) {
        return session(key.getCluster(), key.getNamespace(), key.getName());
    }

    /** A session and one of its steps (container name). */
    public static LogContext step(SessionKey key, String step) {
        Map<String, String> values = new HashMap<>();
        values.put(CLUSTER, key.getCluster());
        values.put(SESSION, key.getNamespace() + "/" + key.getName());
        values.put(STEP, step);
        return new LogContext(values);
    }

    @Override
    public void close() {
        previous.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
    }
}
