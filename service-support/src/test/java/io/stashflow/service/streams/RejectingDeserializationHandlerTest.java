package io.stashflow.service.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.api.serde.UndecodableRecordException;
import io.stashflow.events.Rejected;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class RejectingDeserializationHandlerTest {

    /** The context Streams hands the handler: the record's coordinates and its task. */
    record Context(String topic, int partition, long offset, TaskId taskId) implements ErrorHandlerContext {
        Context(String topic, int partition, long offset) {
            this(topic, partition, offset, new TaskId(0, partition));
        }

        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return "source";
        }

        @Override
        public long timestamp() {
            return 0;
        }

        @Override
        public byte[] sourceRawKey() {
            return null;
        }

        @Override
        public byte[] sourceRawValue() {
            return null;
        }
    }

    final ConfluentAvroSerde<Rejected> serde = ConfluentAvroSerde.forValues(EmbeddedSchemaRegistry.inMemory(), Rejected.class);
    final AtomicInteger counted = new AtomicInteger();

    RejectingDeserializationHandler handler() {
        return handler(null);
    }

    RejectingDeserializationHandler handler(RejectingDeserializationHandler.GlobalWriter writer) {
        RejectingDeserializationHandler handler = new RejectingDeserializationHandler();
        Map<String, Object> configs = new HashMap<>();
        if (writer != null) {
            configs.put(RejectingDeserializationHandler.GLOBAL_WRITER, writer);
        }
        configs.put(RejectingDeserializationHandler.REJECTED_TOPIC, "stash.rejected");
        configs.put(RejectingDeserializationHandler.STAGE, "reporter.decode");
        configs.put(RejectingDeserializationHandler.SOURCE, "/stashflow/reporter/prod");
        configs.put(RejectingDeserializationHandler.SERIALIZER, serde.serializer());
        configs.put(RejectingDeserializationHandler.ON_REJECT, (Runnable) counted::incrementAndGet);
        handler.configure(configs);
        return handler;
    }

    @Test
    void undecodableBytesBecomeARejectedDeadLetterAndProcessingResumes() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("stash.step-outcomes", 1, 42,
                "prod/demo/s".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});
        record.headers().add("ce_type", "io.stashflow.step.outcome.v1".getBytes(StandardCharsets.UTF_8));
        var response = handler().handleError(new Context("stash.step-outcomes", 1, 42), record,
                new UndecodableRecordException(UndecodableRecordException.Reason.UNKNOWN_MAGIC_BYTE, null,
                        "first byte is 1, not the Confluent magic byte 0", null));
        assertEquals(DeserializationExceptionHandler.Result.RESUME, response.result());
        assertEquals(1, response.deadLetterQueueRecords().size());
        ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
        assertEquals("stash.rejected", dead.topic());
        assertEquals("stash.step-outcomes/1/42", new String(dead.key(), StandardCharsets.UTF_8));
        Rejected rejected = serde.deserialize("stash.rejected", dead.value());
        assertEquals("reporter.decode", rejected.getStage());
        assertEquals(42L, rejected.getOffset());
        assertEquals("first byte is 1, not the Confluent magic byte 0", rejected.getError());
        assertEquals(3, rejected.getValue().remaining());
        assertEquals("io.stashflow.step.outcome.v1", rejected.getHeaders().get("ce_type"));
        assertEquals("io.stashflow.rejected.v1", CloudEventHeaders.read(dead.headers()).orElseThrow().type());
        assertEquals(1, counted.get());
    }

    /** What Kafka Streams gives the global store's thread: task -1_-1, and no way to send dead letters. */
    static final TaskId GLOBAL = new TaskId(-1, -1);

    @Test
    void aGlobalStoresBadRecordIsWrittenByTheHandlerItselfAndTheThreadGoesOn() {
        List<ProducerRecord<byte[], byte[]>> written = new ArrayList<>();
        RejectingDeserializationHandler.GlobalWriter writer = new RejectingDeserializationHandler.GlobalWriter() {
            @Override
            public void write(ProducerRecord<byte[], byte[]> rejection) {
                written.add(rejection);
            }

            @Override
            public void close() {
            }
        };
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("stash.definitions", 0, 18, null, new byte[] {9});
        var response = handler(writer).handleError(new Context("stash.definitions", 0, 18, GLOBAL), record,
                new UndecodableRecordException(UndecodableRecordException.Reason.UNKNOWN_MAGIC_BYTE, null,
                        "first byte is 9, not the Confluent magic byte 0", null));
        assertEquals(DeserializationExceptionHandler.Result.RESUME, response.result());
        assertTrue(response.deadLetterQueueRecords().isEmpty(), "a global thread cannot send dead letters");
        assertEquals(1, written.size());
        assertEquals("stash.definitions/0/18", new String(written.get(0).key(), StandardCharsets.UTF_8));
        assertEquals("reporter.decode", serde.deserialize("stash.rejected", written.get(0).value()).getStage());
        assertEquals(1, counted.get());
    }

    @Test
    void aGlobalStoresBadRecordThatCannotBeWrittenIsNotSkipped() {
        RejectingDeserializationHandler.GlobalWriter broken = new RejectingDeserializationHandler.GlobalWriter() {
            @Override
            public void write(ProducerRecord<byte[], byte[]> rejection) {
                throw new IllegalStateException("broker unreachable");
            }

            @Override
            public void close() {
            }
        };
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("stash.definitions", 0, 3, null, new byte[] {9});
        UndecodableRecordException bad = new UndecodableRecordException(
                UndecodableRecordException.Reason.UNKNOWN_MAGIC_BYTE, null, "first byte is 9", null);
        assertEquals(DeserializationExceptionHandler.Result.FAIL, handler(broken).handleError(
                new Context("stash.definitions", 0, 3, GLOBAL), record, bad).result());
        assertEquals(DeserializationExceptionHandler.Result.FAIL, handler().handleError(
                new Context("stash.definitions", 0, 3, GLOBAL), record, bad).result(), "no writer configured");
        assertEquals(0, counted.get());
    }

    @Test
    void aRegistryOutageFailsInsteadOfThrowingGoodDataAway() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("stash.step-outcomes", 0, 7, null, new byte[] {0});
        var response = handler().handleError(new Context("stash.step-outcomes", 0, 7), record,
                new SerializationException("cannot reach the schema registry at http://registry:8081"));
        assertEquals(DeserializationExceptionHandler.Result.FAIL, response.result());
        assertEquals(0, counted.get());
    }

    @Test
    void missingSettingsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RejectingDeserializationHandler().configure(Map.of()));
        assertTrue(e.getMessage().contains(RejectingDeserializationHandler.REJECTED_TOPIC));
    }
}
