package io.stashflow.planner.topology;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * CloudEvents headers for the records the planner produces. Event ids are derived from what the event is about (the
 * plan id, the session key), so a consumer that deduplicates by {@code ce_id} sees one event per fact.
 */
final class OutputHeaders {

    private OutputHeaders() {
    }

    static Headers of(String source, Class<? extends SpecificRecord> type, String id, String subject, Instant time) {
        Headers headers = new RecordHeaders();
        CloudEventHeaders.write(headers, new CloudEventHeaders.Attributes(id, source, EventTypes.of(type), time, subject,
                CloudEventHeaders.AVRO_CONTENT_TYPE));
        return headers;
    }
}
