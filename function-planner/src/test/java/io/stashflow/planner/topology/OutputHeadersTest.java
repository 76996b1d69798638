package io.stashflow.planner.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.PlanRejected;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The planner's fast headers are the ones {@link CloudEventHeaders#write} writes: same keys, order and bytes. */
class OutputHeadersTest {

    @Test
    void theHeadersAreTheCloudEventsHeaders() {
        for (Instant time : List.of(Instant.parse("2026-03-01T10:00:00Z"), Instant.parse("2026-03-01T10:00:00.120Z"),
                Instant.parse("2026-03-01T10:00:00.123456Z"), Instant.parse("2026-03-01T10:00:00.120Z"))) {
            for (String subject : new String[] {"c1/demo/s-1", null}) {
                Headers expected = new RecordHeaders();
                CloudEventHeaders.write(expected, new CloudEventHeaders.Attributes("c1/demo/s-1/0", "planner/c1",
                        EventTypes.of(JobPlanned.class), time, subject, CloudEventHeaders.AVRO_CONTENT_TYPE));
                assertEquals(expected, OutputHeaders.of("planner/c1", JobPlanned.class, "c1/demo/s-1/0", subject,
                        time), time + " " + subject);
            }
        }
        Headers rejected = new RecordHeaders();
        Instant now = Instant.parse("2026-03-01T10:00:01Z");
        CloudEventHeaders.write(rejected, new CloudEventHeaders.Attributes("k/skipped", "planner/c2",
                EventTypes.of(PlanRejected.class), now, "k", CloudEventHeaders.AVRO_CONTENT_TYPE));
        assertEquals(rejected, OutputHeaders.of("planner/c2", PlanRejected.class, "k/skipped", "k", now));
    }
}
