package io.stashflow.api.rejected;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.events.Rejected;
import java.nio.ByteBuffer;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Builds {@link Rejected} records: the original bytes, where they came from, the stage and the reason. */
public final class Rejections {

    private Rejections() {
    }

    /** A Kafka record that a stage could not decode or process. */
    public static Rejected of(ConsumerRecord<byte[], byte[]> record, String stage, Throwable error, Clock clock) {
        return Rejected.newBuilder()
                .setTopic(record.topic())
                .setPartition(record.partition())
                .setOffset(record.offset())
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .setHeaders(CloudEventHeaders.asText(record.headers()))
                .setStage(stage)
                .setError(describe(error))
                .setErrorClass(error.getClass().getName())
                .setRejectedAt(clock.instant())
                .build();
    }

    /** Input that did not come from Kafka (a definitions file, an HTTP request). */
    public static Rejected ofSource(String source, byte[] content, String stage, String reason, Clock clock) {
        return Rejected.newBuilder()
                .setTopic(source)
                .setValue(content == null ? null : ByteBuffer.wrap(content))
                .setStage(stage)
                .setError(reason)
                .setRejectedAt(clock.instant())
                .build();
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
