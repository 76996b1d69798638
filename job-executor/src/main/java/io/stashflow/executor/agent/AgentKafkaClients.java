package io.stashflow.executor.agent;

import io.stashflow.api.registry.SchemaRegistry;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.events.Rejected;
import io.stashflow.events.StepOutcome;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The Kafka clients of the agent, configured once for production and tests alike. */
public final class AgentKafkaClients {

    private AgentKafkaClients() {
    }

    /**
     * The plan consumer: manual commits (the agent commits after the pod exists), committed data only, from the
     * beginning for a new group.
     */
    public static KafkaConsumer<byte[], byte[]> planConsumer(String bootstrapServers, String groupId,
                                                             Map<String, String> extra) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-plans");
        p.putAll(extra);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Idempotent, acks=all: an acknowledged outcome is durable, and retries never reorder or duplicate. */
    public static KafkaProducer<String, StepOutcome> outcomeProducer(String bootstrapServers, SchemaRegistry registry,
                                                                     String clientId, Map<String, String> extra) {
        return new KafkaProducer<>(producerProperties(bootstrapServers, clientId + "-outcomes", extra),
                new StringSerializer(), ConfluentAvroSerde.forValues(registry, StepOutcome.class));
    }

    public static KafkaProducer<String, Rejected> rejectedProducer(String bootstrapServers, SchemaRegistry registry,
                                                                   String clientId, Map<String, String> extra) {
        return new KafkaProducer<>(producerProperties(bootstrapServers, clientId + "-rejected", extra),
                new StringSerializer(), ConfluentAvroSerde.forValues(registry, Rejected.class));
    }

    public static Properties producerProperties(String bootstrapServers, String clientId, Map<String, String> extra) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.putAll(extra);
        return p;
    }
}
