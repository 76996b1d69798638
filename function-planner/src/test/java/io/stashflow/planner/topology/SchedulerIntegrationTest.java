package io.stashflow.planner.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.Definition;
import io.stashflow.events.SessionRequested;
import io.stashflow.planner.schedule.ScheduleJitter;
import io.stashflow.service.streams.StreamsRunner;
import io.stashflow.testsupport.KafkaTestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two scheduler instances of one application on the embedded broker, one of them stopped and started again while
 * ticks keep coming: every tick of every BackupConfiguration becomes at most one session, and the ticks of each
 * BackupConfiguration stay on one grid (its anchor survived the partition moving between instances).
 */
@Tag("integration")
class SchedulerIntegrationTest {

    private static final int CONFIGS = 6;

    @TempDir
    Path dir;

    @Test
    void twoInstancesAndARestartNeverFireATickTwice() throws Exception {
        KafkaTestCluster kafka = KafkaTestCluster.shared();
        String prefix = KafkaTestCluster.uniqueName("scheduler");
        Topics topics = new Topics(prefix);
        kafka.createTopic(topics.definitions(), 3, Map.of("cleanup.policy", "compact"));
        kafka.createTopics(3, topics.sessions(), topics.rejected());
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.inMemory();
        PlannerSerdes serdes = new PlannerSerdes(registry);

        try (KafkaProducer<String, Definition> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), serdes.definition.serializer())) {
            for (int i = 0; i < CONFIGS; i++) {
                PlannerFixtures.definitions("c1", PlannerFixtures.backupConfiguration("bc-" + i, "pg",
                        "schedule: \"@every 2s\"")).forEach((key, value) ->
                        producer.send(new ProducerRecord<>(topics.definitions(), key, value)));
            }
            producer.flush();
        }

        String applicationId = prefix + "-scheduler";
        StreamsRunner a = start(kafka, topics, serdes, applicationId, dir.resolve("a"));
        StreamsRunner b = start(kafka, topics, serdes, applicationId, dir.resolve("b"));
        try {
            awaitRunning(a, b);
            Thread.sleep(7000);
            a.close();
            Thread.sleep(5000);
            a = start(kafka, topics, serdes, applicationId, dir.resolve("a"));
            awaitRunning(a, b);
            Thread.sleep(6000);
        } finally {
            a.close();
            b.close();
        }

        Map<String, List<Long>> ticksByConfig = readTicks(kafka, topics, serdes);
        assertEquals(CONFIGS, ticksByConfig.size(), "every BackupConfiguration was scheduled: " + ticksByConfig);
        for (var entry : ticksByConfig.entrySet()) {
            List<Long> ticks = entry.getValue();
            for (int i = 1; i < ticks.size(); i++) {
                long gap = ticks.get(i) - ticks.get(i - 1);
                assertTrue(gap > 0, entry.getKey() + " fired tick " + ticks.get(i) + " twice: " + ticks);
                assertEquals(0, gap % 2, entry.getKey() + " left its 2 s grid: " + ticks);
            }
            assertTrue(ticks.size() >= 5, entry.getKey() + " fired too rarely: " + ticks);
        }
    }

    private static StreamsRunner start(KafkaTestCluster kafka, Topics topics, PlannerSerdes serdes,
                                       String applicationId, Path stateDir) {
        SchedulerTopology.Settings settings = new SchedulerTopology.Settings(topics, Set.of("c1"), ZoneOffset.UTC,
                ScheduleJitter.none(), Duration.ofMillis(200), "/stashflow/planner/test");
        Properties properties = StreamsRunner.properties(applicationId, kafka.bootstrapServers(), stateDir,
                Map.of("commit.interval.ms", 100, "consumer.session.timeout.ms", 10_000));
        StreamsRunner runner = new StreamsRunner("scheduler", SchedulerTopology.build(settings, serdes,
                PlannerListener.none()), properties, null, 1, Duration.ofMinutes(1), Duration.ofSeconds(20));
        runner.start();
        return runner;
    }

    private static void awaitRunning(StreamsRunner... runners) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (StreamsRunner runner : runners) {
            while (runner.state() != KafkaStreams.State.RUNNING) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("scheduler not RUNNING: " + runner.state());
                }
                Thread.sleep(100);
            }
        }
    }

    /** Session names per BackupConfiguration, as tick seconds in order (read committed). */
    private static Map<String, List<Long>> readTicks(KafkaTestCluster kafka, Topics topics, PlannerSerdes serdes) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaTestCluster.uniqueName("ticks"));
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, List<Long>> ticks = new TreeMap<>();
        try (KafkaConsumer<String, SessionRequested> consumer = new KafkaConsumer<>(settings,
                new StringDeserializer(), serdes.sessionRequested.deserializer())) {
            consumer.subscribe(List.of(topics.sessions()));
            int emptyPolls = 0;
            while (emptyPolls < 4) {
                var records = consumer.poll(Duration.ofMillis(500));
                emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
                records.forEach(r -> {
                    String name = r.value().getSessionName();
                    String config = r.value().getInvoker().getName();
                    ticks.computeIfAbsent(config, c -> new ArrayList<>())
                            .add(Long.parseLong(name.substring(config.length() + 1)));
                });
            }
        }
        ticks.values().forEach(list -> list.sort(null));
        return ticks;
    }
}
