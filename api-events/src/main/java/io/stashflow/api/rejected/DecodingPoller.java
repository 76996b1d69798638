package io.stashflow.api.rejected;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Polls raw bytes and decodes them, sending every record that cannot be decoded to a {@link RejectedSink} instead of
 * failing the consumer. A poison record therefore costs one rejection, not a stuck partition.
 *
 * <p>The consumer is given, not created: services own their clients and their commit policy. Records are returned in
 * partition order; rejected ones are already durable in the sink when {@link #poll} returns, so committing the offsets
 * of a whole batch afterwards loses nothing.
 */
public final class DecodingPoller<T> {

    private final Consumer<byte[], byte[]> consumer;
    private final Deserializer<T> deserializer;
    private final RejectedSink rejectedSink;
    private final String stage;
    private final Clock clock;

    public DecodingPoller(Consumer<byte[], byte[]> consumer, Deserializer<T> deserializer, RejectedSink rejectedSink,
                          String stage, Clock clock) {
        this.consumer = consumer;
        this.deserializer = deserializer;
        this.rejectedSink = rejectedSink;
        this.stage = stage;
        this.clock = clock;
    }

    /** One decoded record with its coordinates and CloudEvents attributes (absent when the producer set none). */
    public record Decoded<T>(String topic, int partition, long offset, String key, T value,
                             Optional<CloudEventHeaders.Attributes> event) {
    }

    public List<Decoded<T>> poll(Duration timeout) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        List<Decoded<T>> decoded = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                T value = deserializer.deserialize(record.topic(), record.headers(), record.value());
                Optional<CloudEventHeaders.Attributes> event = CloudEventHeaders.read(record.headers());
                String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                decoded.add(new Decoded<>(record.topic(), record.partition(), record.offset(), key, value, event));
            } catch (RuntimeException e) {
                rejectedSink.reject(Rejections.of(record, stage, e, clock));
            }
        }
        return decoded;
    }
}
