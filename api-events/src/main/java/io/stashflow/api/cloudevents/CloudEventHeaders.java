package io.stashflow.api.cloudevents;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * CloudEvents 1.0 attributes in Kafka binary content mode: each attribute is a {@code ce_}-prefixed header and the
 * record value is the event data (Confluent-framed Avro).
 *
 * <p>Written by hand rather than with {@code cloudevents-kafka}: the binding is six headers, and the SDK would bring its
 * own event model and serializers that the services do not use.
 */
public final class CloudEventHeaders {

    public static final String SPEC_VERSION = "1.0";
    /** Confluent wire format: magic byte, schema id, Avro binary. */
    public static final String AVRO_CONTENT_TYPE = "application/vnd.apache.avro+binary";

    public static final String CE_SPECVERSION = "ce_specversion";
    public static final String CE_ID = "ce_id";
    public static final String CE_SOURCE = "ce_source";
    public static final String CE_TYPE = "ce_type";
    public static final String CE_TIME = "ce_time";
    public static final String CE_SUBJECT = "ce_subject";
    public static final String CONTENT_TYPE = "content-type";

    private CloudEventHeaders() {
    }

    /** The attributes of one event. {@code subject} is the record key (cluster/namespace/name). */
    public record Attributes(String id, String source, String type, Instant time, String subject, String contentType) {
        public Attributes {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(time, "time");
        }

        /** A new event with a random id, the current time and Avro content. */
        public static Attributes of(String source, String type, String subject) {
            return new Attributes(UUID.randomUUID().toString(), source, type, Instant.now(), subject, AVRO_CONTENT_TYPE);
        }
    }

    /** Writes the attributes, replacing any earlier value of the same headers. */
    public static void write(Headers headers, Attributes event) {
        put(headers, CE_SPECVERSION, SPEC_VERSION);
        put(headers, CE_ID, event.id());
        put(headers, CE_SOURCE, event.source());
        put(headers, CE_TYPE, event.type());
        put(headers, CE_TIME, DateTimeFormatter.ISO_INSTANT.format(event.time()));
        if (event.subject() != null) {
            put(headers, CE_SUBJECT, event.subject());
        }
        if (event.contentType() != null) {
            put(headers, CONTENT_TYPE, event.contentType());
        }
    }

    /**
     * Reads the attributes of a record, or explains what is missing. Records from producers that do not set CloudEvents
     * headers are legal input; callers decide whether that matters.
     */
    public static Optional<Attributes> read(Headers headers) {
        String spec = get(headers, CE_SPECVERSION);
        String id = get(headers, CE_ID);
        String source = get(headers, CE_SOURCE);
        String type = get(headers, CE_TYPE);
        String time = get(headers, CE_TIME);
        if (spec == null || id == null || source == null || type == null || time == null) {
            return Optional.empty();
        }
        if (!SPEC_VERSION.equals(spec)) {
            throw new IllegalArgumentException("unsupported CloudEvents specversion '" + spec + "', expected " + SPEC_VERSION);
        }
        Instant parsed;
        try {
            parsed = DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(time, Instant::from);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("header " + CE_TIME + " '" + time + "' is not an RFC 3339 time", e);
        }
        return Optional.of(new Attributes(id, source, type, parsed, get(headers, CE_SUBJECT), get(headers, CONTENT_TYPE)));
    }

    /** Header values as UTF-8 text, for logging and for {@code Rejected.headers}. */
    public static Map<String, String> asText(Headers headers) {
        java.util.LinkedHashMap<String, String> out = new java.util.LinkedHashMap<>();
        for (Header h : headers) {
            out.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void put(Headers headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String get(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
