package io.stashflow.service.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionKind;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogContextTest {

    @Test
    void contextsNestAndRestore() {
        SessionKey key = new SessionKey("prod", "demo", "pg-backup-1", SessionKind.BACKUP);
        try (LogContext outer = LogContext.cluster("prod")) {
            assertEquals("prod", MDC.get("cluster"));
            try (LogContext inner = LogContext.step(key, "update-status-1")) {
                assertEquals("demo/pg-backup-1", MDC.get("session"));
                assertEquals("update-status-1", MDC.get("step"));
            }
            assertEquals("prod", MDC.get("cluster"));
            assertNull(MDC.get("session"));
            assertNull(MDC.get("step"));
        }
        assertNull(MDC.get("cluster"));
    }
}
