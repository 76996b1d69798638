package io.stashflow.reporter.metrics;

import io.stashflow.api.rejected.DecodingPoller;
import io.stashflow.api.rejected.RejectedSink;
import io.stashflow.reporter.events.MetricFamilyState;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link ScrapeView} in step with the compacted {@code reporter-metric-families} topic: assigns every
 * partition, reads from the beginning (no consumer group, nothing committed), and reports itself caught up once it
 * reached the end offsets it saw at start, which is when the reporter's {@code /metrics} serves what it served before
 * a restart. Tombstones remove a family. Only committed records are read.
 */
public final class ScrapeViewLoader implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScrapeViewLoader.class);

    private final Consumer<byte[], byte[]> consumer;
    private final DecodingPoller<MetricFamilyState> poller;
    private final ScrapeView view;
    private final String topic;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean caughtUp = new AtomicBoolean();

    public ScrapeViewLoader(Consumer<byte[], byte[]> consumer, Deserializer<MetricFamilyState> deserializer,
                            RejectedSink rejectedSink, ScrapeView view, String topic, Clock clock) {
        this.consumer = consumer;
        this.poller = new DecodingPoller<>(consumer, deserializer, rejectedSink, "reporter.scrape-view.decode", clock);
        this.view = view;
        this.topic = topic;
    }

    public boolean caughtUp() {
        return caughtUp.get();
    }

    @Override
    public void run() {
        try {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
            while (running.get()) {
                for (DecodingPoller.Decoded<MetricFamilyState> record : poller.poll(Duration.ofMillis(500))) {
                    view.apply(record.key(), record.value());
                }
                if (!caughtUp.get() && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.set(true);
                    LOG.info("Stash metric series rebuilt from {}", topic);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
    }
}
