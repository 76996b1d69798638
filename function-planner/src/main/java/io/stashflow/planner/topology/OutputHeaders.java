package io.stashflow.planner.topology;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * CloudEvents headers for the records the planner produces. Event ids are derived from what the event is about (the
 * plan id, the session key), so a consumer that deduplicates by {@code ce_id} sees one event per fact.
 *
 * <p>The same headers {@link CloudEventHeaders#write} writes, in its order, built for every planned pod: the values
 * that do not change from one record to the next (spec version, source, type, content type) are encoded once and
 * shared, and a stream thread formats the time once per millisecond.
 */
final class OutputHeaders {

    private static final byte[] SPEC_VERSION = utf8(CloudEventHeaders.SPEC_VERSION);
    private static final byte[] AVRO_CONTENT_TYPE = utf8(CloudEventHeaders.AVRO_CONTENT_TYPE);
    private static final Map<String, byte[]> SOURCES = new ConcurrentHashMap<>();
    private static final ClassValue<byte[]> TYPES = new ClassValue<>() {
        @Override
        @SuppressWarnings("unchecked")
        protected byte[] computeValue(Class<?> type) {
            return utf8(EventTypes.of((Class<? extends SpecificRecord>) type));
        }
    };
    private static final ThreadLocal<FormattedTime> TIMES = ThreadLocal.withInitial(FormattedTime::new);

    /** The last time a thread formatted ({@code ce_time} is RFC 3339, as {@link DateTimeFormatter#ISO_INSTANT}). */
    private static final class FormattedTime {
        long epochMillis = Long.MIN_VALUE;
        byte[] text;

        byte[] of(Instant time) {
            long millis = time.toEpochMilli();
            if (millis != epochMillis || time.getNano() % 1_000_000 != 0) {
                byte[] formatted = utf8(DateTimeFormatter.ISO_INSTANT.format(time));
                if (time.getNano() % 1_000_000 != 0) {
                    return formatted;
                }
                epochMillis = millis;
                text = formatted;
            }
            return text;
        }
    }

    private OutputHeaders() {
    }

    static Headers of(String source, Class<? extends SpecificRecord> type, String id, String subject, Instant time) {
        Header[] headers = new Header[subject == null ? 6 : 7];
        int i = 0;
        headers[i++] = new RecordHeader(CloudEventHeaders.CE_SPECVERSION, SPEC_VERSION);
        headers[i++] = new RecordHeader(CloudEventHeaders.CE_ID, utf8(id));
        headers[i++] = new RecordHeader(CloudEventHeaders.CE_SOURCE, SOURCES.computeIfAbsent(source,
                OutputHeaders::utf8));
        headers[i++] = new RecordHeader(CloudEventHeaders.CE_TYPE, TYPES.get(type));
        headers[i++] = new RecordHeader(CloudEventHeaders.CE_TIME, TIMES.get().of(time));
        if (subject != null) {
            headers[i++] = new RecordHeader(CloudEventHeaders.CE_SUBJECT, utf8(subject));
        }
        headers[i] = new RecordHeader(CloudEventHeaders.CONTENT_TYPE, AVRO_CONTENT_TYPE);
        return new RecordHeaders(headers);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
