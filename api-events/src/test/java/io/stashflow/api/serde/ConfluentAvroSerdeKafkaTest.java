package io.stashflow.api.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.registry.http.SchemaRegistryHttpServer;
import io.stashflow.events.Definition;
import io.stashflow.testsupport.KafkaTestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The serde named by class in plain Kafka client settings, as an application outside Stashflow would use it against
 * the standalone registry endpoint: Kafka instantiates it and calls {@code configure}.
 */
class ConfluentAvroSerdeKafkaTest {

    private static SchemaRegistryHttpServer server;

    @BeforeAll
    static void start() {
        server = SchemaRegistryHttpServer.start(EmbeddedSchemaRegistry.inMemory(), "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void producerAndConsumerConfiguredByClassNameRoundTripValuesAndTombstones() {
        KafkaTestCluster cluster = KafkaTestCluster.shared();
        String topic = KafkaTestCluster.uniqueName("serde-definitions");
        cluster.createTopic(topic, 1, Map.of());
        Definition definition = SampleRecords.specific(Definition.class, 42);

        Properties producerSettings = new Properties();
        producerSettings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        producerSettings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerSettings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ConfluentAvroSerde.class.getName());
        producerSettings.put(ConfluentAvroSerde.SCHEMA_REGISTRY_URL, server.baseUrl());
        try (KafkaProducer<String, Definition> producer = new KafkaProducer<>(producerSettings)) {
            producer.send(new ProducerRecord<>(topic, "c1/ns/one", definition));
            producer.send(new ProducerRecord<>(topic, "c1/ns/one", null));
            producer.flush();
        }

        Properties consumerSettings = new Properties();
        consumerSettings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        consumerSettings.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaTestCluster.uniqueName("serde-group"));
        consumerSettings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerSettings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerSettings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConfluentAvroSerde.class.getName());
        consumerSettings.put(ConfluentAvroSerde.SCHEMA_REGISTRY_URL, server.baseUrl());
        consumerSettings.put(ConfluentAvroSerde.SPECIFIC_VALUE_TYPE, Definition.class.getName());
        List<ConsumerRecord<String, Definition>> received = new ArrayList<>();
        try (KafkaConsumer<String, Definition> consumer = new KafkaConsumer<>(consumerSettings)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() < 2 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }

        assertEquals(2, received.size(), "records received: " + received);
        RecordEquality.assertRecordEquals(definition, received.get(0).value(), "first record");
        assertNull(received.get(1).value(), "the tombstone stays a tombstone");
    }
}
