package io.stashflow.reporter.k8s;

import io.stashflow.api.rejected.RejectedSink;
import io.stashflow.api.rejected.Rejections;
import io.stashflow.api.serde.UndecodableRecordException;
import io.stashflow.events.RepositoryStatus;
import io.stashflow.events.SessionStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's loop around {@link StatusWriteBack}: consumes {@code session-status} and {@code repository-status}
 * (read_committed, one consumer group per cluster), applies each record, and commits only after the batch was
 * written, so a crash repeats writes (all idempotent) rather than losing them. Undecodable records go to the rejected
 * topic; a write that fails (API server unreachable, missing RBAC) is retried after a pause without committing.
 */
public final class StatusWriteBackRunner implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusWriteBackRunner.class);

    private final Consumer<byte[], byte[]> consumer;
    private final Deserializer<SessionStatus> sessionDeserializer;
    private final Deserializer<RepositoryStatus> repositoryDeserializer;
    private final RejectedSink rejectedSink;
    private final String sessionTopic;
    private final StatusWriteBack writeBack;
    private final Clock clock;
    private final Duration retryPause;
    private final AtomicBoolean running = new AtomicBoolean(true);

    public StatusWriteBackRunner(Consumer<byte[], byte[]> consumer, Deserializer<SessionStatus> sessionDeserializer,
                                 Deserializer<RepositoryStatus> repositoryDeserializer, RejectedSink rejectedSink,
                                 String sessionTopic, String repositoryTopic, StatusWriteBack writeBack, Clock clock,
                                 Duration retryPause) {
        this.consumer = consumer;
        this.sessionDeserializer = sessionDeserializer;
        this.repositoryDeserializer = repositoryDeserializer;
        this.rejectedSink = rejectedSink;
        this.sessionTopic = sessionTopic;
        this.writeBack = writeBack;
        this.clock = clock;
        this.retryPause = retryPause;
        consumer.subscribe(List.of(sessionTopic, repositoryTopic));
    }

    @Override
    public void run() {
        try {
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                try {
                    records.forEach(this::apply);
                    consumer.commitSync();
                } catch (RuntimeException e) {
                    LOG.warn("status write-back failed, retrying the batch in {}: {}", retryPause, e.getMessage());
                    records.partitions().forEach(p -> consumer.seek(p, records.records(p).get(0).offset()));
                    Thread.sleep(retryPause.toMillis());
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Applies one record; exposed for tests that drive the loop record by record. */
    void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        boolean session = record.topic().equals(sessionTopic);
        Object value;
        try {
            value = session ? sessionDeserializer.deserialize(record.topic(), record.headers(), record.value())
                    : repositoryDeserializer.deserialize(record.topic(), record.headers(), record.value());
        } catch (UndecodableRecordException e) {
            rejectedSink.reject(Rejections.of(record, "agent.write-back.decode", e, clock));
            return;
        }
        if (session) {
            writeBack.applySession(key, (SessionStatus) value);
        } else {
            writeBack.applyRepository(key, (RepositoryStatus) value);
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
    }
}
