package io.stashflow.api.registry.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stashflow.api.registry.RegistryErrorCode;
import io.stashflow.api.registry.SchemaLog;
import io.stashflow.api.registry.SchemaLogEntry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaLog} on a compacted, single-partition Kafka topic (default {@value #DEFAULT_TOPIC}), so that schema ids
 * survive restarts and every process on the broker shares them.
 *
 * <p>The topic is created when missing with {@code cleanup.policy=compact}, one partition and the broker's default
 * replication factor. An existing topic must have exactly one partition (the log's order is what every registry
 * agrees on) and a compacting cleanup policy (time-based deletion would forget ids that records on other topics still
 * carry); otherwise opening fails and says how to fix the topic.
 *
 * <p>Record format (UTF-8 JSON, this project's own; not Confluent's {@code _schemas} format, so never point a
 * Confluent Schema Registry and Stashflow at the same topic):
 * <pre>
 * key:   {"keytype":"STASHFLOW_SCHEMA","subject":"stash.sessions-value","version":2,"proposal":"6f1c…"}
 * value: {"proposal":"6f1c…","subject":"stash.sessions-value","version":2,"id":7,"schema":"{\"type\":\"record\",…}"}
 * </pre>
 * {@code proposal} is a random UUID per append, so no two records share a key and compaction never removes or
 * reorders a record that replay depends on (compaction keeps the newest record per key, and the relative order of
 * what it keeps). Records with another {@code keytype}, tombstones and unreadable records are skipped with a warning.
 *
 * <p>This is the only Kafka client of the api-events module. One instance holds one producer and one consumer
 * (assigned, no consumer group); its methods are synchronized.
 */
public final class KafkaSchemaLog implements SchemaLog {

    public static final String DEFAULT_TOPIC = "_schemas";
    static final String KEY_TYPE = "STASHFLOW_SCHEMA";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(100);

    private final String topic;
    private final TopicPartition partition;
    private final String bootstrapServers;
    private final Duration timeout;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private long consumerNext = -1;

    private KafkaSchemaLog(String topic, String bootstrapServers, Duration timeout,
                           KafkaProducer<String, String> producer, KafkaConsumer<String, String> consumer) {
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
        this.producer = producer;
        this.consumer = consumer;
    }

    /** Opens the log on {@value #DEFAULT_TOPIC} with a 30 s timeout. */
    public static KafkaSchemaLog open(Map<String, ?> kafkaClientConfig) {
        return open(kafkaClientConfig, DEFAULT_TOPIC, Duration.ofSeconds(30));
    }

    /**
     * Opens the log, creating or checking its topic.
     *
     * @param kafkaClientConfig {@code bootstrap.servers} plus any client settings the broker needs (security,
     *                          SASL, ...); serializers, acks and consumer group settings are set here
     * @param topic             the topic name
     * @param timeout           how long one append, one replay or the topic check may take
     */
    public static KafkaSchemaLog open(Map<String, ?> kafkaClientConfig, String topic, Duration timeout) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(timeout, "timeout");
        Object servers = kafkaClientConfig.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        if (servers == null || servers.toString().isBlank()) {
            throw new IllegalArgumentException("the schema log needs " + CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG
                    + " in its Kafka client settings");
        }
        String bootstrapServers = servers.toString();
        Map<String, Object> common = new HashMap<>(kafkaClientConfig);
        ensureTopic(common, topic, bootstrapServers, timeout);

        Map<String, Object> producerConfig = new HashMap<>(common);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerConfig.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "stashflow-schema-log-producer");

        Map<String, Object> consumerConfig = new HashMap<>(common);
        consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        // a fetch left waiting at the broker after one replay delays the next replay's seek by up to this long;
        // the default (500 ms) would add that to every registration
        consumerConfig.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumerConfig.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "stashflow-schema-log-consumer");

        KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig);
        KafkaConsumer<String, String> consumer;
        try {
            consumer = new KafkaConsumer<>(consumerConfig);
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        consumer.assign(List.of(new TopicPartition(topic, 0)));
        return new KafkaSchemaLog(topic, bootstrapServers, timeout, producer, consumer);
    }

    /**
     * Describes the topic, asking again while the broker answers that it does not know it yet: right after a create
     * the new topic's metadata can take a moment to reach the broker that answers.
     */
    private static TopicDescription describeOnceKnown(Admin admin, String topic, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        long until = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() > until) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static void ensureTopic(Map<String, Object> config, String topic, String bootstrapServers, Duration timeout) {
        Map<String, Object> adminConfig = new HashMap<>(config);
        adminConfig.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        adminConfig.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, "stashflow-schema-log-admin");
        try (Admin admin = Admin.create(adminConfig)) {
            NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            try {
                admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("created schema log topic {} (compacted, 1 partition) on {}", topic, bootstrapServers);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            TopicDescription description = describeOnceKnown(admin, topic, timeout);
            if (description.partitions().size() != 1) {
                throw RegistryErrorCode.STORE_ERROR.exception("Schema log topic " + topic + " on " + bootstrapServers
                        + " has " + description.partitions().size() + " partitions; it needs exactly 1 so every"
                        + " registry reads the same order. Recreate it with 1 partition or configure another topic name");
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config topicConfig = admin.describeConfigs(List.of(resource)).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            String policy = topicConfig.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            if (policy == null || !policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                throw RegistryErrorCode.STORE_ERROR.exception("Schema log topic " + topic + " on " + bootstrapServers
                        + " has cleanup.policy=" + policy + ", which would delete schemas that records still refer to;"
                        + " set cleanup.policy=compact on it (kafka-configs --alter --add-config cleanup.policy=compact)");
            }
        } catch (ExecutionException e) {
            throw RegistryErrorCode.STORE_ERROR.exception("Could not create or check schema log topic " + topic + " on "
                    + bootstrapServers + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw RegistryErrorCode.OPERATION_TIMED_OUT.exception("Kafka at " + bootstrapServers + " did not answer within "
                    + timeout + " while creating or checking schema log topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryErrorCode.STORE_ERROR.exception("Interrupted while checking schema log topic " + topic, e);
        }
    }

    @Override
    public synchronized long append(SchemaLogEntry entry) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, 0, keyJson(entry), valueJson(entry));
        try {
            return producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw RegistryErrorCode.STORE_ERROR.exception("Could not write to schema log topic " + topic + " on "
                    + bootstrapServers + ": " + cause, cause);
        } catch (TimeoutException e) {
            // the write may still land later; that is harmless, replay treats it as any other late proposal
            throw RegistryErrorCode.OPERATION_TIMED_OUT.exception("Kafka at " + bootstrapServers
                    + " did not acknowledge a write to schema log topic " + topic + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryErrorCode.STORE_ERROR.exception("Interrupted while writing to schema log topic " + topic, e);
        }
    }

    @Override
    public synchronized long replay(long from, Consumer<SchemaLogEntry> sink) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            if (from >= end) {
                return from;
            }
            long expected = consumerNext;
            consumerNext = -1; // until this replay completes, the consumer's position is unknown
            if (expected != from) {
                consumer.seek(partition, from);
            }
            long next = from;
            while (next < end) {
                if (System.nanoTime() > deadline) {
                    throw RegistryErrorCode.OPERATION_TIMED_OUT.exception("Reading schema log topic " + topic + " on "
                            + bootstrapServers + " stopped at offset " + next + " of " + end + " after " + timeout);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    decode(record).ifPresent(sink);
                    next = record.offset() + 1;
                }
                // compaction leaves gaps in offsets; the position is what says how far the consumer got
                next = Math.max(next, consumer.position(partition, timeout));
            }
            consumerNext = next;
            return next;
        } catch (KafkaException e) {
            throw RegistryErrorCode.STORE_ERROR.exception("Could not read schema log topic " + topic + " on "
                    + bootstrapServers + ": " + e, e);
        }
    }

    static String keyJson(SchemaLogEntry entry) {
        ObjectNode key = JSON.createObjectNode();
        key.put("keytype", KEY_TYPE);
        key.put("subject", entry.subject());
        key.put("version", entry.version());
        key.put("proposal", entry.proposalId());
        return key.toString();
    }

    static String valueJson(SchemaLogEntry entry) {
        ObjectNode value = JSON.createObjectNode();
        value.put("proposal", entry.proposalId());
        value.put("subject", entry.subject());
        value.put("version", entry.version());
        value.put("id", entry.id());
        value.put("schema", entry.schema());
        return value.toString();
    }

    /** The entry in a record, or empty (with a warning) for records that are not this log's. */
    Optional<SchemaLogEntry> decode(ConsumerRecord<String, String> record) {
        try {
            JsonNode key = record.key() == null ? null : JSON.readTree(record.key());
            if (key == null || !KEY_TYPE.equals(key.path("keytype").asText())) {
                LOG.warn("skipping record at offset {} of schema log topic {}: its key is not a Stashflow schema key"
                        + " (is another registry writing to this topic?)", record.offset(), topic);
                return Optional.empty();
            }
            if (record.value() == null) {
                LOG.warn("skipping tombstone at offset {} of schema log topic {}", record.offset(), topic);
                return Optional.empty();
            }
            JsonNode value = JSON.readTree(record.value());
            JsonNode proposal = value.get("proposal");
            JsonNode subject = value.get("subject");
            JsonNode version = value.get("version");
            JsonNode id = value.get("id");
            JsonNode schema = value.get("schema");
            if (proposal == null || subject == null || version == null || !version.canConvertToInt()
                    || id == null || !id.canConvertToInt() || schema == null || !schema.isTextual()) {
                LOG.warn("skipping record at offset {} of schema log topic {}: value lacks proposal, subject, version,"
                        + " id or schema", record.offset(), topic);
                return Optional.empty();
            }
            return Optional.of(new SchemaLogEntry(proposal.asText(), subject.asText(), version.asInt(), id.asInt(),
                    schema.asText()));
        } catch (JsonProcessingException e) {
            LOG.warn("skipping record at offset {} of schema log topic {}: not JSON ({})", record.offset(), topic,
                    e.getOriginalMessage());
            return Optional.empty();
        }
    }

    public String topic() {
        return topic;
    }

    @Override
    public String describe() {
        return "schema log topic " + topic + " on " + bootstrapServers;
    }

    @Override
    public synchronized void close() {
        producer.close(timeout);
        consumer.close(CloseOptions.timeout(timeout));
    }
}
