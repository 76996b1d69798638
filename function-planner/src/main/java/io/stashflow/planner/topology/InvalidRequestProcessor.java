package io.stashflow.planner.topology;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.events.Rejected;
import io.stashflow.events.SessionRequested;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a request that cannot be keyed (see {@link RequestValidation}) into a {@link Rejected} event for
 * {@code stash.rejected}, with the record's coordinates, bytes and headers, so it is not lost silently.
 */
final class InvalidRequestProcessor implements Processor<String, SessionRequested, String, Rejected> {

    private static final Logger LOG = LoggerFactory.getLogger(InvalidRequestProcessor.class);
    static final String STAGE = "planner.validate";

    private final String sessionsTopic;
    private final ConfluentAvroSerde<SessionRequested> serde;
    private final String source;
    private ProcessorContext<String, Rejected> context;

    InvalidRequestProcessor(String sessionsTopic, ConfluentAvroSerde<SessionRequested> serde, String source) {
        this.sessionsTopic = sessionsTopic;
        this.serde = serde;
        this.source = source;
    }

    @Override
    public void init(ProcessorContext<String, Rejected> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, SessionRequested> record) {
        String reason = RequestValidation.problem(record.value()).orElse("invalid request");
        RecordMetadata meta = context.recordMetadata().orElse(null);
        String topic = meta == null ? sessionsTopic : meta.topic();
        int partition = meta == null ? -1 : meta.partition();
        long offset = meta == null ? -1 : meta.offset();
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        Rejected rejected = Rejected.newBuilder()
                .setTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key().getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(serde.serialize(topic, record.value())))
                .setHeaders(CloudEventHeaders.asText(record.headers()))
                .setStage(STAGE)
                .setError(reason)
                .setErrorClass(null)
                .setRejectedAt(now)
                .build();
        String key = topic + "/" + partition + "/" + offset;
        LOG.warn("rejected {} at stage {}: {}", key, STAGE, reason);
        context.forward(new Record<>(key, rejected, now.toEpochMilli(),
                OutputHeaders.of(source, Rejected.class, key, key, now)));
    }
}
