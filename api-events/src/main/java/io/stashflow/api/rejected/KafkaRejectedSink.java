package io.stashflow.api.rejected;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.events.Rejected;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rejections to the rejected topic and waits for the broker's acknowledgement, so a caller that goes on to
 * commit its input offset cannot lose the record. The key is {@code topic/partition/offset} of the original record.
 */
public final class KafkaRejectedSink implements RejectedSink {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaRejectedSink.class);

    private final Producer<String, Rejected> producer;
    private final String topic;
    private final String source;
    private final Duration timeout;

    /**
     * @param producer a producer whose value serializer writes {@link Rejected} (Confluent-framed Avro)
     * @param topic the rejected topic, {@code Topics#rejected()}
     * @param source the CloudEvents source of the calling service, {@code EventTypes#source}
     */
    public KafkaRejectedSink(Producer<String, Rejected> producer, String topic, String source, Duration timeout) {
        this.producer = producer;
        this.topic = topic;
        this.source = source;
        this.timeout = timeout;
    }

    @Override
    public void reject(Rejected rejected) {
        String key = rejected.getTopic() + "/" + rejected.getPartition() + "/" + rejected.getOffset();
        ProducerRecord<String, Rejected> record = new ProducerRecord<>(topic, key, rejected);
        CloudEventHeaders.write(record.headers(), CloudEventHeaders.Attributes.of(source, EventTypes.of(Rejected.class), key));
        try {
            producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing a rejection to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not write a rejection of " + key + " to " + topic
                    + "; the record is not skipped", e);
        }
        LOG.warn("rejected {} at stage {}: {}", key, rejected.getStage(), rejected.getError());
    }
}
