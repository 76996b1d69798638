package io.stashflow.api.rejected;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.cloudevents.EventTypes;
import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.events.InvokerRef;
import io.stashflow.events.Rejected;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionRequested;
import io.stashflow.testsupport.KafkaTestCluster;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * On the real (embedded) broker: events produced with CloudEvents headers are consumed and decoded through the registry
 * by schema id; records that cannot be decoded land in the rejected topic with their bytes and the reason, and the
 * consumer goes on with the records after them.
 */
@Tag("integration")
class RejectedRecordsIntegrationTest {

    private final KafkaTestCluster kafka = KafkaTestCluster.shared();

    @Test
    void goodRecordsAreDecodedAndBadOnesAreRejectedWithoutStoppingTheConsumer() throws Exception {
        String sessions = KafkaTestCluster.uniqueName("sessions");
        String rejectedTopic = KafkaTestCluster.uniqueName("rejected");
        kafka.createTopic(sessions, 1, Map.of());
        kafka.createTopic(rejectedTopic, 1, Map.of());

        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.inMemory();
        ConfluentAvroSerde<SessionRequested> sessionSerde = ConfluentAvroSerde.forValues(registry, SessionRequested.class);

        byte[] notAvro = "{\"this\":\"is json, not Confluent-framed Avro\"}".getBytes(StandardCharsets.UTF_8);
        byte[] unknownSchemaId = {0, 0, 0, 0x27, 0x0F, 2, 4, 6};
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
            producer.send(sessionRecord(sessions, sessionSerde, "first")).get();
            producer.send(new ProducerRecord<>(sessions, "c1/demo/bad-json".getBytes(StandardCharsets.UTF_8), notAvro)).get();
            producer.send(new ProducerRecord<>(sessions, "c1/demo/bad-id".getBytes(StandardCharsets.UTF_8), unknownSchemaId)).get();
            producer.send(sessionRecord(sessions, sessionSerde, "second")).get();
        }

        List<DecodingPoller.Decoded<SessionRequested>> decoded = new ArrayList<>();
        var rejectedProducerProps = kafka.producerProperties();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties(
                     KafkaTestCluster.uniqueName("group")));
             KafkaProducer<String, Rejected> rejectedProducer = new KafkaProducer<>(rejectedProducerProps,
                     new StringSerializer(), ConfluentAvroSerde.forValues(registry, Rejected.class))) {
            consumer.subscribe(List.of(sessions));
            // A separate deserializer instance: it knows nothing but what the registry answers for the id in the bytes.
            ConfluentAvroSerde<SessionRequested> reader = ConfluentAvroSerde.forValues(registry, SessionRequested.class);
            DecodingPoller<SessionRequested> poller = new DecodingPoller<>(consumer, reader,
                    new KafkaRejectedSink(rejectedProducer, rejectedTopic, EventTypes.source("test", "c1"), Duration.ofSeconds(10)),
                    "test.decode", Clock.systemUTC());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (decoded.size() < 2 && System.nanoTime() < deadline) {
                decoded.addAll(poller.poll(Duration.ofMillis(200)));
            }
        }

        assertEquals(List.of("first", "second"), decoded.stream().map(d -> d.value().getSessionName()).toList());
        DecodingPoller.Decoded<SessionRequested> first = decoded.get(0);
        assertEquals("c1/demo/first", first.key());
        CloudEventHeaders.Attributes event = first.event().orElseThrow();
        assertEquals("io.stashflow.session.requested.v1", event.type());
        assertEquals("c1/demo/first", event.subject());
        assertEquals(0, first.offset());
        assertEquals(3, decoded.get(1).offset(), "the consumer went past the two bad records");

        List<ConsumerRecord<byte[], byte[]>> rejected = readAll(rejectedTopic, 2);
        assertEquals(2, rejected.size());
        ConfluentAvroSerde<Rejected> rejectedReader = ConfluentAvroSerde.forValues(registry, Rejected.class);
        Rejected badJson = rejectedReader.deserialize(rejectedTopic, rejected.get(0).value());
        assertEquals(sessions, badJson.getTopic());
        assertEquals(1L, badJson.getOffset());
        assertEquals("test.decode", badJson.getStage());
        assertArrayEquals(notAvro, bytes(badJson.getValue()));
        assertArrayEquals("c1/demo/bad-json".getBytes(StandardCharsets.UTF_8), bytes(badJson.getKey()));
        assertTrue(badJson.getError().toLowerCase().contains("magic"), badJson.getError());
        assertEquals(sessions + "/0/1", new String(rejected.get(0).key(), StandardCharsets.UTF_8));
        assertEquals("io.stashflow.rejected.v1",
                new String(rejected.get(0).headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8));

        Rejected badId = rejectedReader.deserialize(rejectedTopic, rejected.get(1).value());
        assertEquals(2L, badId.getOffset());
        assertArrayEquals(unknownSchemaId, bytes(badId.getValue()));
        assertTrue(badId.getError().contains("9999"), "the reason names the unknown schema id: " + badId.getError());
    }

    private static ProducerRecord<byte[], byte[]> sessionRecord(String topic, ConfluentAvroSerde<SessionRequested> serde,
                                                                String name) {
        SessionRequested request = SessionRequested.newBuilder()
                .setCluster("c1").setNamespace("demo").setSessionName(name).setKind(SessionKind.BACKUP)
                .setInvoker(InvokerRef.newBuilder().setApiGroup("stash.appscode.com").setKind("BackupConfiguration")
                        .setName("pg").build())
                .setRequestedAt(Instant.parse("2026-11-25T10:00:00Z")).setRequestedBy("test").build();
        String key = RecordKeys.of("c1", "demo", name);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                serde.serialize(topic, request));
        CloudEventHeaders.write(record.headers(),
                CloudEventHeaders.Attributes.of(EventTypes.source("test", "c1"), EventTypes.of(SessionRequested.class), key));
        return record;
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties(
                KafkaTestCluster.uniqueName("reader")), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

}
