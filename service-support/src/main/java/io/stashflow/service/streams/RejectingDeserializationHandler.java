package io.stashflow.service.streams;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.api.rejected.Rejections;
import io.stashflow.api.serde.UndecodableRecordException;
import io.stashflow.events.Rejected;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
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
 * <p>A global store's thread (the definitions every planner and reporter instance reads whole) cannot hand back
 * dead-letter records: Kafka Streams 4.3 sends them through the task's record collector, which the global thread does
 * not have, and the resulting {@code ClassCastException} kills the global thread and with it the whole application —
 * again at every start, because a global store is rebuilt from its topic. There the handler writes the rejection
 * itself through its {@link GlobalWriter} and waits for the broker's acknowledgement before the thread goes on
 * (at least once: a global store's offsets are not transactional, and it replays its topic at every start, so the
 * same record is rejected again then).
 *
 * <p>Configured through the Streams properties (see {@link StreamsRunner#rejectingHandler}): {@value #REJECTED_TOPIC},
 * {@value #STAGE}, {@value #SOURCE}, {@value #SERIALIZER} (a {@code Serializer<Rejected>} instance) and
 * {@value #GLOBAL_WRITER} (a {@link GlobalWriter} instance; without one a global store's bad record stops the
 * application, as Streams itself would).
 */
public final class RejectingDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RejectingDeserializationHandler.class);

    public static final String REJECTED_TOPIC = "stashflow.rejected.topic";
    public static final String STAGE = "stashflow.rejected.stage";
    public static final String SOURCE = "stashflow.rejected.source";
    public static final String SERIALIZER = "stashflow.rejected.serializer";
    /** Optional {@code Runnable} run once per rejection, e.g. to count them. */
    public static final String ON_REJECT = "stashflow.rejected.on-reject";
    /** Optional {@link GlobalWriter}: writes the rejections of records a global store's thread cannot decode. */
    public static final String GLOBAL_WRITER = "stashflow.rejected.global-writer";

    /** Writes one rejection and returns once the broker acknowledged it; throws when it could not. */
    public interface GlobalWriter extends AutoCloseable {
        void write(ProducerRecord<byte[], byte[]> rejection);

        @Override
        void close();

        /** A writer with a producer of its own (acks=all, idempotent), made at the first rejection. */
        static GlobalWriter kafka(String bootstrapServers, String clientId) {
            return new KafkaGlobalWriter(bootstrapServers, clientId);
        }
    }

    private String topic;
    private String stage;
    private String source;
    private Serializer<Rejected> serializer;
    private Runnable onReject = () -> { };
    private GlobalWriter globalWriter;
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
        Object writer = configs.get(GLOBAL_WRITER);
        if (writer instanceof GlobalWriter w) {
            this.globalWriter = w;
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
        if (isGlobal(context)) {
            if (globalWriter == null) {
                LOG.error("cannot reject {} at stage {} (a global store's record; no writer configured): {}", key,
                        stage, rejected.getError());
                return Response.fail();
            }
            try {
                globalWriter.write(out);
            } catch (RuntimeException e) {
                LOG.error("cannot write the rejection of {} at stage {} to {}; the record is not skipped: {}", key,
                        stage, topic, e.toString());
                return Response.fail();
            }
            LOG.warn("rejected {} at stage {}: {}", key, stage, rejected.getError());
            onReject.run();
            return Response.resume();
        }
        LOG.warn("rejected {} at stage {}: {}", key, stage, rejected.getError());
        onReject.run();
        return Response.resume(List.of(out));
    }

    /** Whether the record was read by a global store's thread: Kafka Streams runs those updates as task -1_-1. */
    static boolean isGlobal(ErrorHandlerContext context) {
        TaskId task = context.taskId();
        return task != null && task.subtopology() < 0;
    }

    /** {@link GlobalWriter#kafka}: one producer, made when the first rejection comes, closed with the application. */
    private static final class KafkaGlobalWriter implements GlobalWriter {
        private final String bootstrapServers;
        private final String clientId;
        private KafkaProducer<byte[], byte[]> producer;

        KafkaGlobalWriter(String bootstrapServers, String clientId) {
            this.bootstrapServers = bootstrapServers;
            this.clientId = clientId;
        }

        @Override
        public synchronized void write(ProducerRecord<byte[], byte[]> rejection) {
            if (producer == null) {
                Properties p = new Properties();
                p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
                p.put(ProducerConfig.ACKS_CONFIG, "all");
                p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
                p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
                producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
            }
            try {
                producer.send(rejection).get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing a rejection", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("could not write a rejection to " + rejection.topic(), e);
            }
        }

        @Override
        public synchronized void close() {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
                producer = null;
            }
        }
    }

    /** Whether the exception is about the bytes (reject them) rather than about reaching the registry (retry). */
    static boolean isUndecodable(Exception exception) {
        if (exception instanceof UndecodableRecordException) {
            return true;
        }
        return !(exception instanceof SerializationException);
    }
}
