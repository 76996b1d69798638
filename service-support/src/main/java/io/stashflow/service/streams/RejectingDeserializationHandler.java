package io.stashflow.service.streams;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.api.rejected.Rejections;
import io.stashflow.api.serde.UndecodableRecordException;
import io.stashflow.events.Rejected;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records whose bytes cannot be decoded to the rejected topic, as a {@link Rejected} event with the original
 * bytes, headers, coordinates, stage and reason, and lets the Streams application continue.
 *
 * <p>The rejection is handed back to Kafka Streams as a dead-letter record (KIP-1034), so Streams produces it with the
 * task's own producer: under {@code exactly_once_v2} it commits in the same transaction as the input offset, and the
 * record is neither lost nor rejected twice.
 *
 * <p>Only problems of the bytes themselves are rejected ({@link UndecodableRecordException} and other non-serialization
 * failures such as Avro runtime errors). A plain {@link SerializationException} means the registry could not be
 * reached: the record may be fine, so the handler answers FAIL and the stream thread is replaced and retries, instead
 * of throwing good data away during an outage.
 *
 * <p>Configured through the Streams properties (see {@link StreamsRunner#rejectingHandler}): {@value #REJECTED_TOPIC},
 * {@value #STAGE}, {@value #SOURCE} and {@value #SERIALIZER} (a {@code Serializer<Rejected>} instance).
 */
public final class RejectingDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RejectingDeserializationHandler.class);

    public static final String REJECTED_TOPIC = "stashflow.rejected.topic";
    public static final String STAGE = "stashflow.rejected.stage";
    public static final String SOURCE = "stashflow.rejected.source";
    public static final String SERIALIZER = "stashflow.rejected.serializer";
    /** Optional {@code Runnable} run once per rejection, e.g. to count them. */
    public static final String ON_REJECT = "stashflow.rejected.on-reject";

    private String topic;
    private String stage;
    private String source;
    private Serializer<Rejected> serializer;
    private Runnable onReject = () -> { };
    private Clock clock = Clock.systemUTC();

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs) {
        this.topic = required(configs, REJECTED_TOPIC).toString();
        this.stage = required(configs, STAGE).toString();
        this.source = required(configs, SOURCE).toString();
        Object s = required(configs, SERIALIZER);
        if (!(s instanceof Serializer<?>)) {
            throw new IllegalArgumentException(SERIALIZER + " must be a Serializer<Rejected> instance, not " + s.getClass());
        }
        this.serializer = (Serializer<Rejected>) s;
        Object hook = configs.get(ON_REJECT);
        if (hook instanceof Runnable r) {
            this.onReject = r;
        }
    }

    void clock(Clock clock) {
        this.clock = clock;
    }

    private static Object required(Map<String, ?> configs, String key) {
        Object value = configs.get(key);
        if (value == null) {
            throw new IllegalArgumentException(RejectingDeserializationHandler.class.getSimpleName() + " needs " + key
                    + " in the Streams configuration");
        }
        return value;
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (!isUndecodable(exception)) {
            LOG.error("cannot deserialize {}-{}@{} and will retry: {} (the record is not rejected because this looks like"
                    + " an outage, not bad bytes)", record.topic(), record.partition(), record.offset(), exception.toString());
            return Response.fail();
        }
        Rejected rejected = Rejections.of(record, stage, exception, clock);
        String key = record.topic() + "/" + record.partition() + "/" + record.offset();
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, key.getBytes(StandardCharsets.UTF_8),
                serializer.serialize(topic, rejected));
        CloudEventHeaders.write(out.headers(), CloudEventHeaders.Attributes.of(source, EventTypes.of(Rejected.class), key));
        LOG.warn("rejected {} at stage {}: {}", key, stage, rejected.getError());
        onReject.run();
        return Response.resume(List.of(out));
    }

    /** Whether the exception is about the bytes (reject them) rather than about reaching the registry (retry). */
    static boolean isUndecodable(Exception exception) {
        if (exception instanceof UndecodableRecordException) {
            return true;
        }
        return !(exception instanceof SerializationException);
    }
}
