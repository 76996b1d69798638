package io.stashflow.reliability;

import static io.stashflow.reliability.FaultStack.awaitTrue;
import static io.stashflow.reliability.FaultStack.phases;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.events.SessionStatus;
import io.stashflow.reliability.FaultStack.Stream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka broker stops while sessions are in flight — some requested, some planned, some running, some reporting —
 * and comes back on the same data directory a few seconds later. The services are not restarted: their clients
 * reconnect, the Streams applications' open transactions are aborted or completed, and the executor's buffered
 * outcomes go out. Every session succeeds exactly once.
 */
@Tag("integration")
class BrokerRestartFaultTest {

    private static final int SESSIONS = 24;

    @TempDir
    Path dir;

    @Test
    void brokerRestartedWithSessionsInFlightLosesNothingAndRepeatsNothing() throws Exception {
        Stream stream = new Stream("bk", SESSIONS, 2);
        try (FaultStack fx = FaultStack.start(dir, List.of(stream), "", UnaryOperator.identity())) {
            FaultStack.Paced requests = fx.requestPaced(stream, Duration.ofMillis(150));
            awaitTrue("a third of the stream runs", () -> stream.sessions().stream()
                    .filter(s -> !fx.effects(s).isEmpty()).count() >= SESSIONS / 3, Duration.ofSeconds(90));
            int requestedBeforeOutage = requests.requested();

            fx.stack.stopBroker();
            FaultStack.pause(4_000); // steps go on running and ending meanwhile; requests wait in the producer
            fx.stack.startBroker();

            Map<String, SessionStatus> statuses = fx.assertNothingLostNothingTwice(requests.finish(), Set.of());
            assertEquals(Map.of("Succeeded", (long) SESSIONS), phases(statuses));
            assertTrue(requestedBeforeOutage < SESSIONS, "the outage hit the middle of the stream");
        }
    }
}
