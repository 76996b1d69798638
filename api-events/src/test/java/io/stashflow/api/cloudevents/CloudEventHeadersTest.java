package io.stashflow.api.cloudevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.events.SessionRequested;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CloudEventHeadersTest {

    @Test
    void writesEveryBinaryModeHeaderAndReadsThemBack() {
        RecordHeaders headers = new RecordHeaders();
        Instant time = Instant.parse("2026-11-25T10:15:30.123Z");
        CloudEventHeaders.Attributes event = new CloudEventHeaders.Attributes("id-1", EventTypes.source("planner", "c1"),
                EventTypes.of(SessionRequested.class), time, "c1/demo/s1", CloudEventHeaders.AVRO_CONTENT_TYPE);
        CloudEventHeaders.write(headers, event);

        assertEquals("1.0", text(headers, "ce_specversion"));
        assertEquals("id-1", text(headers, "ce_id"));
        assertEquals("/stashflow/planner/c1", text(headers, "ce_source"));
        assertEquals("io.stashflow.session.requested.v1", text(headers, "ce_type"));
        assertEquals("2026-11-25T10:15:30.123Z", text(headers, "ce_time"));
        assertEquals("c1/demo/s1", text(headers, "ce_subject"));
        assertEquals("application/vnd.apache.avro+binary", text(headers, "content-type"));
        assertEquals(event, CloudEventHeaders.read(headers).orElseThrow());
    }

    @Test
    void rewritingReplacesInsteadOfDuplicating() {
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.write(headers, CloudEventHeaders.Attributes.of("/a", "t1", "k"));
        CloudEventHeaders.write(headers, CloudEventHeaders.Attributes.of("/b", "t2", "k"));
        int count = 0;
        for (var h : headers.headers("ce_type")) {
            count++;
        }
        assertEquals(1, count);
        assertEquals("t2", text(headers, "ce_type"));
    }

    @Test
    void recordsWithoutCloudEventsHeadersReadAsEmpty() {
        assertTrue(CloudEventHeaders.read(new RecordHeaders()).isEmpty());
    }

    @Test
    void aWrongSpecVersionOrTimeIsExplained() {
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.write(headers, CloudEventHeaders.Attributes.of("/a", "t", null));
        headers.remove("ce_time");
        headers.add("ce_time", "yesterday".getBytes(StandardCharsets.UTF_8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CloudEventHeaders.read(headers));
        assertTrue(e.getMessage().contains("ce_time"), e.getMessage());
        headers.remove("ce_specversion");
        headers.add("ce_specversion", "0.3".getBytes(StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> CloudEventHeaders.read(headers));
    }

    @Test
    void everyEventHasAType() {
        assertThrows(IllegalArgumentException.class, () -> EventTypes.of(io.stashflow.events.HostStats.class));
    }

    private static String text(RecordHeaders headers, String key) {
        return new String(headers.lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
