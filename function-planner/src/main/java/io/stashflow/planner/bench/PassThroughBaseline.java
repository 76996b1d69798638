package io.stashflow.planner.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The baseline every benchmark sets Stashflow's figures next to, on the same broker in the same run: a Kafka Streams
 * application that copies records unchanged from one topic to another, with the settings it is given (the benchmarks
 * pass the service's own: {@code exactly_once_v2}, stream threads, commit interval).
 *
 * <p>{@link #copy} writes nothing itself: the input is written before the application starts, and the {@link Reader}
 * of the output is positioned before it starts too (partitions assigned, no consumer group), so the measured time is
 * the application's alone: from reaching RUNNING to the last copy being readable ({@code read_committed}). The
 * planner benchmark runs the {@link #topology} as a long-lived application instead and feeds it batches.
 */
public final class PassThroughBaseline {

    /** What one copy measured. */
    public record Result(long records, double seconds) {
        public double perSecond() {
            return records / seconds;
        }
    }

    private PassThroughBaseline() {
    }

    /**
     * Copies {@code records} records from {@code in} to {@code out} (which must be empty) and measures it.
     *
     * @param streamsProperties the application's settings, application id included
     * @throws IllegalStateException when not every copy is readable within {@code timeout}
     */
    public static Result copy(String bootstrapServers, Properties streamsProperties, String in, String out,
                              long records, Duration timeout) {
        try (Reader reader = Reader.open(bootstrapServers, List.of(out), timeout);
             KafkaStreams streams = new KafkaStreams(topology(in, out), streamsProperties)) {
            AtomicLong running = new AtomicLong();
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    running.compareAndSet(0, System.nanoTime());
                }
            });
            long started = System.nanoTime();
            streams.start();
            long done = reader.await(r -> true, records, timeout, out);
            double seconds = (done - measuredFrom(started, running.get(), done)) / 1e9;
            streams.close(Duration.ofSeconds(30));
            return new Result(records, seconds);
        }
    }

    /** The pass-through: every record of {@code in} copied, bytes unchanged, to {@code out}. */
    public static Topology topology(String in, String out) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .to(out, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return builder.build();
    }

    /**
     * When an application's measured time starts: when it reached RUNNING, or, when it did not before its work was
     * done (with several stream threads the client is RUNNING only once every thread is), when it was started.
     */
    public static long measuredFrom(long startedNanos, long runningNanos, long doneNanos) {
        return runningNanos != 0 && runningNanos <= doneNanos ? runningNanos : startedNanos;
    }

    /**
     * Reads topics from their beginning or end ({@code read_committed}) by assigning every partition directly: no
     * consumer group, so nothing to join, and once {@link #open} returns the reader is positioned and only waits for
     * data.
     */
    public static final class Reader implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;

        private Reader(KafkaConsumer<String, byte[]> consumer) {
            this.consumer = consumer;
        }

        /** @param topics existing topics, read from their beginning */
        public static Reader open(String bootstrapServers, Collection<String> topics, Duration timeout) {
            return open(bootstrapServers, topics, timeout, false);
        }

        /**
         * @param topics existing topics, read from their end (their last stable offset): only what is committed
         *               after this returns is read
         */
        public static Reader openAtEnd(String bootstrapServers, Collection<String> topics, Duration timeout) {
            return open(bootstrapServers, topics, timeout, true);
        }

        private static Reader open(String bootstrapServers, Collection<String> topics, Duration timeout,
                                   boolean atEnd) {
            Map<String, Object> settings = new HashMap<>();
            settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
            KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings, new StringDeserializer(),
                    new ByteArrayDeserializer());
            try {
                List<TopicPartition> partitions = new ArrayList<>();
                for (String topic : topics) {
                    for (PartitionInfo partition : consumer.partitionsFor(topic, timeout)) {
                        partitions.add(new TopicPartition(topic, partition.partition()));
                    }
                }
                consumer.assign(partitions);
                if (atEnd) {
                    consumer.seekToEnd(partitions);
                } else {
                    consumer.seekToBeginning(partitions);
                }
                for (TopicPartition partition : partitions) {
                    consumer.position(partition, timeout);
                }
                return new Reader(consumer);
            } catch (RuntimeException e) {
                consumer.close();
                throw e;
            }
        }

        /**
         * Reads until {@code count} records were counted.
         *
         * @param counts whether a record counts; it may throw to end the wait (a rejection the run cannot survive)
         * @param what   names what is awaited in the timeout message
         * @return {@code System.nanoTime()} when the last one was read
         * @throws IllegalStateException when fewer arrive within {@code timeout}
         */
        public long await(Predicate<ConsumerRecord<String, byte[]>> counts, long count, Duration timeout,
                          String what) {
            long seen = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                    if (counts.test(record)) {
                        seen++;
                    }
                }
                if (seen >= count) {
                    return System.nanoTime();
                }
            }
            throw new IllegalStateException("only " + seen + " of " + count + " records arrived in " + what
                    + " within " + timeout);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
