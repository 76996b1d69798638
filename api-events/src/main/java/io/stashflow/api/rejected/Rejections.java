package io.stashflow.api.rejected;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.events.Rejected;
import java.nio.ByteBuffer;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Builds {@link Rejected} records: the original bytes, where they came from, the stage and the reason.
 *
 * <p>A rejection must itself fit in a Kafka record (1 MiB by default), also when what it rejects is as large as that
 * or larger (a topic may allow bigger records; a definitions file may hold megabytes). So at most
 * {@link #MAX_KEPT_BYTES} of the original key and value are kept; when more was there, the reason says how much was
 * kept of how much. Without the cap a large bad record could not be rejected at all: the stage would fail on it again
 * and again instead of going on.
 */
public final class Rejections {

    /** How many bytes of an original key or value a rejection keeps at most. */
    public static final int MAX_KEPT_BYTES = 256 * 1024;

    private Rejections() {
    }

    /** A Kafka record that a stage could not decode or process. */
    public static Rejected of(ConsumerRecord<byte[], byte[]> record, String stage, Throwable error, Clock clock) {
        StringBuilder cut = new StringBuilder();
        return Rejected.newBuilder()
                .setTopic(record.topic())
                .setPartition(record.partition())
                .setOffset(record.offset())
                .setKey(kept(record.key(), "key", cut))
                .setValue(kept(record.value(), "value", cut))
                .setHeaders(CloudEventHeaders.asText(record.headers()))
                .setStage(stage)
                .setError(describe(error) + cut)
                .setErrorClass(error.getClass().getName())
                .setRejectedAt(clock.instant())
                .build();
    }

    /** Input that did not come from Kafka (a definitions file, an HTTP request). */
    public static Rejected ofSource(String source, byte[] content, String stage, String reason, Clock clock) {
        StringBuilder cut = new StringBuilder();
        return Rejected.newBuilder()
                .setTopic(source)
                .setValue(kept(content, "content", cut))
                .setStage(stage)
                .setError(reason + cut)
                .setRejectedAt(clock.instant())
                .build();
    }

    /** The bytes to keep of {@code bytes}; a note on {@code cut} when not all of them. */
    private static ByteBuffer kept(byte[] bytes, String what, StringBuilder cut) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length <= MAX_KEPT_BYTES) {
            return ByteBuffer.wrap(bytes);
        }
        cut.append(" (").append(what).append(": the first ").append(MAX_KEPT_BYTES).append(" of ")
                .append(bytes.length).append(" bytes are kept)");
        return ByteBuffer.wrap(bytes, 0, MAX_KEPT_BYTES).slice();
    }

    /** The exception's message chain, so "could not decode: unknown schema id 7" survives wrapping. */
    static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        Throwable current = error;
        int depth = 0;
        while (current != null && depth < 5) {
            String message = current.getMessage();
            if (message != null && !message.isBlank() && text.indexOf(message) < 0) {
                if (!text.isEmpty()) {
                    text.append(": ");
                }
                text.append(message);
            }
            current = current.getCause() == current ? null : current.getCause();
            depth++;
        }
        return text.isEmpty() ? error.getClass().getSimpleName() : text.toString();
    }
}
