package io.stashflow.planner.bench;

import io.stashflow.api.registry.SchemaRegistry;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.Definition;
import io.stashflow.events.InvokerRef;
import io.stashflow.events.PlanRejected;
import io.stashflow.events.SessionKind;
import io.stashflow.events.SessionRequested;
import io.stashflow.planner.definitions.DefinitionsView;
import io.stashflow.planner.topology.PlannerListener;
import io.stashflow.planner.topology.PlannerSerdes;
import io.stashflow.planner.topology.PlannerTopology;
import io.stashflow.service.streams.StreamsRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * {@code stashflow bench planner}: how many sessions per second the planner turns into {@code JobPlanned}, next to a
 * pass-through Kafka Streams application copying the same {@code SessionRequested} records on the same broker in the
 * same run, and the latency from a session's {@code requestedAt} to its plan being readable at a fixed request rate.
 *
 * <p>Set-up: the catalog's postgres backup Function and Task, one Repository per namespace, and
 * {@value #CONFIGS} BackupConfigurations (each with its own AppBinding, spread over {@value #NAMESPACES}
 * namespaces so the planner's namespace-keyed stage has more than one key), published to the definitions topic. Both
 * applications run with {@code exactly_once_v2} and the same stream threads and commit interval (by default the
 * planner's: one thread, 50 ms) and the planner's other Streams settings ({@link PlannerTopology#streamsSettings()}), so
 * only the topology differs.
 *
 * <ol>
 *   <li>warm-up: a pass-through and a planner on their own topics, so the JIT has compiled the hot paths and the
 *       broker's transaction state exists before anything is measured;</li>
 *   <li>rounds ({@code rounds}, each on fresh topics and application ids): a pass-through, then a planner. For each,
 *       {@code sessions} records are written first, a reader of the output is positioned (partitions assigned, no
 *       group to join), then the application starts; its rate is records over the time from reaching RUNNING to
 *       the last output being readable ({@code read_committed}). The report gives every round and the medians; the
 *       ratio is the median of the rounds' ratios, since a round's two applications ran back to back;</li>
 *   <li>latency: the last round's planner gets {@code rate} sessions per second for {@code latencySeconds}; each
 *       session's latency is the moment its plan is read ({@code read_committed}) minus its {@code requestedAt}.</li>
 * </ol>
 * Every session is planned (none is skipped or pending): the benchmark sends no statuses, and no two
 * BackupConfigurations share a target. A run fails when the counts do not add up.
 */
public final class PlannerBenchmark {

    static final int CONFIGS = 100;
    static final int NAMESPACES = 10;
    static final String CLUSTER = "bench";
    private static final int PARTITIONS = 6;

    /**
     * @param sessions       sessions (and pass-through records) of the throughput phases
     * @param rate           sessions per second of the latency phase
     * @param latencySeconds length of the latency phase
     * @param warmupSessions sessions of the planner's warm-up (the pass-through warms up with three times as many)
     * @param streamThreads  stream threads of both applications
     * @param commitIntervalMillis commit interval of both applications
     * @param rounds         pass-through and planner pairs measured (medians are reported)
     */
    public record Options(int sessions, double rate, double latencySeconds, int warmupSessions, int streamThreads,
                          int commitIntervalMillis, int rounds) {
        public Options {
            if (sessions < 1 || rate <= 0 || latencySeconds <= 0 || warmupSessions < 1 || streamThreads < 1
                    || commitIntervalMillis < 1 || rounds < 1) {
                throw new IllegalArgumentException("sessions, rate, latency seconds, warm-up sessions, stream threads,"
                        + " commit interval and rounds must be positive");
            }
        }
    }

    /** The figures of one run. */
    /**
     * The figures of one run: medians over the rounds, and the ratio as the median of each round's ratio (a round's
     * pass-through and planner ran back to back on the same machine state).
     */
    public record Result(int sessions, double producedPerSecond, double passThroughPerSecond,
                         double plannedPerSecond, double ratio, int latencySessions, double p50Millis,
                         double p99Millis, double maxMillis) {
    }

    private final String bootstrapServers;
    private final SchemaRegistry registry;
    private final Path catalog;
    private final Path stateDir;
    private final Options options;
    private final PrintWriter out;

    public PlannerBenchmark(String bootstrapServers, SchemaRegistry registry, Path catalog, Path stateDir,
                            Options options, PrintWriter out) {
        this.bootstrapServers = bootstrapServers;
        this.registry = registry;
        this.catalog = catalog;
        this.stateDir = stateDir;
        this.options = options;
        this.out = out;
    }

    public Result run() throws Exception {
        var runtime = ManagementFactory.getRuntimeMXBean();
        out.println("jvm:     " + runtime.getVmName() + " " + runtime.getVmVersion() + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        out.println("machine: " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores (broker, load generator and Streams share them)");
        out.println("set-up:  " + CONFIGS + " BackupConfigurations of the catalog's postgres backup Task in "
                + NAMESPACES + " namespaces, " + PARTITIONS + " partitions, exactly_once_v2, "
                + options.streamThreads() + " stream thread(s), commit.interval.ms " + options.commitIntervalMillis()
                + ", " + new java.util.TreeMap<>(PlannerTopology.streamsSettings()) + " (the planner's Streams"
                + " settings, both applications)");
        out.flush();
        PlannerSerdes serdes = new PlannerSerdes(registry);
        String run = "bench-" + Long.toString(System.currentTimeMillis(), 36);

        // warm-up, on topics and application ids of their own
        passThrough(run + "-warm", options.warmupSessions() * 3, serdes);
        plannerThroughput(new Topics(run + "-warm"), run + "-warm-planner", options.warmupSessions(), serdes)
                .close();

        // rounds: a pass-through, then a planner, each on fresh topics; the last planner stays up for the latency
        double[] produced = new double[options.rounds()];
        double[] copied = new double[options.rounds()];
        double[] planned = new double[options.rounds()];
        PlannerRun planner = null;
        Topics topics = null;
        try {
            for (int round = 0; round < options.rounds(); round++) {
                String prefix = run + "-" + (round + 1);
                double[] passThrough = passThrough(prefix, options.sessions(), serdes);
                produced[round] = passThrough[0];
                copied[round] = passThrough[1];
                boolean last = round == options.rounds() - 1;
                topics = new Topics(prefix);
                PlannerRun thisRound = plannerThroughput(topics, prefix + "-planner", options.sessions(), serdes);
                planned[round] = thisRound.perSecond;
                out.println(String.format(Locale.ROOT, "round %d:      pass-through %,d records in %.2f s: %,.0f"
                                + " records/s; planner %,d sessions in %.2f s: %,.0f sessions/s (%.2f)", round + 1,
                        options.sessions(), options.sessions() / copied[round], copied[round], options.sessions(),
                        options.sessions() / planned[round], planned[round], planned[round] / copied[round]));
                out.println("              planner stream thread: " + thisRound.timeShares);
                out.flush();
                if (last) {
                    planner = thisRound;
                } else {
                    thisRound.close();
                }
            }
            double passThroughRate = median(copied);
            double plannerRate = median(planned);
            double ratio = median(ratios(planned, copied));
            out.println(String.format(Locale.ROOT, "produce:      %,d SessionRequested records at %,.0f records/s"
                    + " (median)", options.sessions(), median(produced)));
            out.println(String.format(Locale.ROOT, "pass-through: %,.0f records/s (median of %d rounds)",
                    passThroughRate, options.rounds()));
            out.println(String.format(Locale.ROOT, "planner:      %,.0f sessions/s (median of %d rounds); ratio %.2f"
                    + " of the pass-through rate (median of the rounds' ratios)", plannerRate, options.rounds(),
                    ratio));
            out.flush();
            double[] latency = latency(topics, planner, serdes);
            int latencySessions = (int) latency[3];
            out.println(String.format(Locale.ROOT, "latency:      %,d sessions at %,.0f/s for %.0f s: p50 %.1f ms,"
                            + " p99 %.1f ms, max %.1f ms (requestedAt to JobPlanned readable, read_committed)",
                    latencySessions, options.rate(), options.latencySeconds(), latency[0], latency[1], latency[2]));
            out.flush();
            return new Result(options.sessions(), median(produced), passThroughRate, plannerRate, ratio,
                    latencySessions, latency[0], latency[1], latency[2]);
        } finally {
            if (planner != null) {
                planner.close();
            }
        }
    }

    private static double[] ratios(double[] planned, double[] copied) {
        double[] ratios = new double[planned.length];
        for (int i = 0; i < planned.length; i++) {
            ratios[i] = planned[i] / copied[i];
        }
        return ratios;
    }

    /** The median (the mean of the middle two for an even count). */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // pass-through

    /** @return {produce rate, pass-through rate} */
    private double[] passThrough(String prefix, int records, PlannerSerdes serdes) throws Exception {
        String in = prefix + ".pass-through-in";
        String outTopic = prefix + ".pass-through-out";
        createTopics(Map.of(in, false, outTopic, false));
        double produced = produceSessions(in, prefix, records, serdes, null, null);
        PassThroughBaseline.Result copied = PassThroughBaseline.copy(bootstrapServers,
                streamsProperties(prefix + "-pass-through"), in, outTopic, records, Duration.ofMinutes(10));
        return new double[] {produced, copied.perSecond()};
    }

    // ---------------------------------------------------------------------------------------------------------------
    // planner

    private static final class PlannerRun implements AutoCloseable {
        final StreamsRunner runner;
        final double perSecond;
        final String timeShares;

        PlannerRun(StreamsRunner runner, double perSecond, String timeShares) {
            this.runner = runner;
            this.perSecond = perSecond;
            this.timeShares = timeShares;
        }

        @Override
        public void close() {
            runner.close();
        }
    }

    /** Writes the sessions, starts a planner and measures it; the caller closes the returned run. */
    private PlannerRun plannerThroughput(Topics topics, String applicationId, int sessions, PlannerSerdes serdes)
            throws Exception {
        Map<String, Boolean> topicSpecs = new HashMap<>();
        for (String topic : List.of(topics.sessions(), topics.planRejections(), topics.rejected(),
                topics.jobs(CLUSTER))) {
            topicSpecs.put(topic, false);
        }
        topicSpecs.put(topics.definitions(), true);
        topicSpecs.put(topics.sessionStatus(), true);
        topicSpecs.put(topics.plannerFacts(), true);
        createTopics(topicSpecs);
        publishDefinitions(topics, serdes);
        produceSessions(topics.sessions(), applicationId, sessions, serdes, null, null);

        DefinitionsView view = new DefinitionsView();
        PlannerTopology.Settings settings = PlannerTopology.Settings.defaults(topics, Set.of(CLUSTER));
        Properties properties = streamsProperties(applicationId);
        StreamsRunner runner = new StreamsRunner("planner-bench",
                PlannerTopology.build(settings, serdes, view, PlannerListener.none()), properties, null, 0,
                Duration.ofMinutes(1), Duration.ofSeconds(30));
        AtomicLong running = new AtomicLong();
        runner.streams().setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.compareAndSet(0, System.nanoTime());
            }
        });
        Duration timeout = Duration.ofMinutes(2).plusMillis(sessions * 2L);
        try (PassThroughBaseline.Reader reader = PassThroughBaseline.Reader.open(bootstrapServers,
                List.of(topics.jobs(CLUSTER), topics.planRejections()), timeout)) {
            long started = System.nanoTime();
            runner.start();
            long done = reader.await(record -> {
                if (record.topic().equals(topics.planRejections())) {
                    PlanRejected rejected = ConfluentAvroSerde.forValues(registry, PlanRejected.class)
                            .deserialize(record.topic(), record.value());
                    throw new IllegalStateException("the planner rejected a bench session: " + rejected.getReason());
                }
                return true;
            }, sessions, timeout, topics.jobs(CLUSTER));
            long from = PassThroughBaseline.measuredFrom(started, running.get(), done);
            double perSecond = sessions / ((done - from) / 1e9);
            return new PlannerRun(runner, perSecond, threadTimeShares(runner.streams()));
        } catch (Exception | Error e) {
            runner.close();
            throw e;
        }
    }

    /**
     * Where the stream thread's time went (Kafka Streams' own thread metrics, averaged over its recent windows):
     * processing records, committing (flush and transaction), polling, punctuating.
     */
    private static String threadTimeShares(KafkaStreams streams) {
        Map<String, Double> shares = new java.util.TreeMap<>();
        streams.metrics().forEach((name, metric) -> {
            if (name.group().equals("stream-thread-metrics") && name.name().endsWith("-ratio")
                    && metric.metricValue() instanceof Double value && !value.isNaN()) {
                shares.merge(name.name().replace("-ratio", ""), value, Double::sum);
            }
        });
        StringBuilder text = new StringBuilder();
        shares.forEach((what, share) -> text.append(text.isEmpty() ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s %.0f %%", what, share * 100)));
        return text.append(" of its time (Kafka Streams' thread metrics)").toString();
    }

    /** @return {p50 ms, p99 ms, max ms, count} */
    private double[] latency(Topics topics, PlannerRun planner, PlannerSerdes serdes) throws Exception {
        int count = (int) Math.round(options.rate() * options.latencySeconds());
        long[] latencies = new long[count];
        AtomicLong seen = new AtomicLong();
        Map<String, Long> requestedAt = new ConcurrentHashMap<>();
        Thread reader = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> consumer = consumer("latency-reader")) {
                consumer.subscribe(List.of(topics.jobs(CLUSTER)));
                long deadline = System.nanoTime() + Duration.ofSeconds((long) options.latencySeconds() + 120).toNanos();
                while (seen.get() < count && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                        long readAt = System.currentTimeMillis();
                        // keys are cluster/namespace/session: the throughput phase's plans are skipped cheaply
                        String session = record.key().substring(record.key().lastIndexOf('/') + 1);
                        Long sentAt = requestedAt.get(session);
                        if (sentAt == null) {
                            continue;
                        }
                        int index = (int) seen.getAndIncrement();
                        if (index < count) {
                            latencies[index] = readAt - sentAt;
                        }
                    }
                }
            }
        }, "latency-reader");
        reader.start();
        // let the reader join its group and catch up on the earlier plans before the first session is sent
        Thread.sleep(3000);
        produceSessions(topics.sessions(), "latency", count, serdes, options.rate(), requestedAt);
        reader.join();
        if (seen.get() < count) {
            throw new IllegalStateException("only " + seen.get() + " of " + count + " latency sessions were planned");
        }
        if (planner.runner.livenessProblem().isPresent()) {
            throw new IllegalStateException("the planner failed: " + planner.runner.livenessProblem().get());
        }
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        return new double[] {percentile(sorted, 0.50), percentile(sorted, 0.99), sorted[count - 1], count};
    }

    private static double percentile(long[] sorted, double p) {
        int index = Math.max(0, (int) Math.ceil(sorted.length * p) - 1);
        return sorted[index];
    }

    // ---------------------------------------------------------------------------------------------------------------
    // definitions and sessions

    /** The catalog's postgres backup Function and Task, Repositories, AppBindings and BackupConfigurations. */
    static String world() {
        return BenchDefinitions.postgresWorld(CONFIGS, NAMESPACES, "0 3 * * *");
    }

    private void publishDefinitions(Topics topics, PlannerSerdes serdes) throws IOException, InterruptedException,
            ExecutionException {
        try (KafkaProducer<String, Definition> producer = new KafkaProducer<>(producerSettings(),
                new StringSerializer(), serdes.definition().serializer())) {
            for (BenchDefinitions.Keyed d : BenchDefinitions.of(catalog, CLUSTER, world(), Instant.now())) {
                producer.send(new ProducerRecord<>(topics.definitions(), d.key(), d.definition()));
            }
            producer.flush();
        }
    }

    /**
     * Writes {@code count} session requests round-robin over the BackupConfigurations.
     *
     * @param rate              per second, or null for as fast as possible
     * @param requestedAtByName where to note each session's requestedAt (epoch ms), or null
     * @return records per second
     */
    private double produceSessions(String topic, String namePrefix, int count, PlannerSerdes serdes, Double rate,
                                   Map<String, Long> requestedAtByName) throws Exception {
        ConfluentAvroSerde<SessionRequested> serde = serdes.sessionRequested();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerSettings(), new StringSerializer(),
                new ByteArraySerializer())) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                if (rate != null) {
                    long due = start + (long) (i * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                int config = i % CONFIGS;
                String namespace = "bench-" + (config % NAMESPACES);
                String name = namePrefix + "-" + i;
                Instant now = Instant.now();
                if (requestedAtByName != null) {
                    requestedAtByName.put(name, now.toEpochMilli());
                }
                SessionRequested request = SessionRequested.newBuilder()
                        .setCluster(CLUSTER)
                        .setNamespace(namespace)
                        .setSessionName(name)
                        .setKind(SessionKind.BACKUP)
                        .setInvoker(InvokerRef.newBuilder().setApiGroup("stash.appscode.com")
                                .setKind("BackupConfiguration").setName("pg-backup-" + config).build())
                        .setRetryLeft(0)
                        .setRequestedAt(now)
                        .setRequestedBy("bench")
                        .build();
                producer.send(new ProducerRecord<>(topic, RecordKeys.of(CLUSTER, namespace, name),
                        serde.serialize(topic, request)));
            }
            producer.flush();
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // plumbing

    private KafkaConsumer<String, byte[]> consumer(String purpose) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, purpose + "-" + System.nanoTime());
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private Map<String, Object> producerSettings() {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // the load generator writes each record once and the planner drops duplicates anyway; without idempotence
        // a fresh in-process broker's early NOT_LEADER answers cannot wedge the producer's sequence numbers
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        return settings;
    }

    private Properties streamsProperties(String applicationId) {
        Map<String, Object> extra = new HashMap<>();
        extra.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, options.commitIntervalMillis());
        extra.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, options.streamThreads());
        extra.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        // the planner's producer settings (batch size, compression), for the pass-through too: only the topology
        // differs between the two applications
        extra.putAll(PlannerTopology.streamsSettings());
        return StreamsRunner.properties(applicationId, bootstrapServers, stateDir, extra);
    }

    private void createTopics(Map<String, Boolean> topics) throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            List<NewTopic> newTopics = new ArrayList<>();
            topics.forEach((name, compacted) -> newTopics.add(new NewTopic(name, PARTITIONS, (short) 1)
                    .configs(compacted ? Map.of("cleanup.policy", "compact") : Map.of())));
            admin.createTopics(newTopics).all().get();
            // topic creation returns before every partition has a leader the producers can see; writing earlier
            // makes the idempotent producer retry with sequence numbers the broker then refuses
            // (the leader's log answers ListOffsets only once it serves the partition)
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> partitions =
                    new HashMap<>();
            for (String topic : topics.keySet()) {
                for (int partition = 0; partition < PARTITIONS; partition++) {
                    partitions.put(new org.apache.kafka.common.TopicPartition(topic, partition),
                            org.apache.kafka.clients.admin.OffsetSpec.latest());
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                try {
                    admin.listOffsets(partitions).all().get();
                    break;
                } catch (ExecutionException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("topics " + topics.keySet() + " are not served after 30 s: "
                                + e.getCause(), e);
                    }
                    Thread.sleep(50);
                }
            }
        }
    }
}
