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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
 * namespaces, so sessions land on every partition), published to the definitions topic. Both applications run with
 * {@code exactly_once_v2} and the same stream threads and commit interval (by default the planner's: one thread,
 * 100 ms) and the planner's other Streams settings ({@link PlannerTopology#streamsSettings()}), so only the topology
 * differs.
 *
 * <p>Both applications are started once and run until the end: the figures are those of running services, not of
 * their start (which opens stores, fills the plan cache and joins the group, fixed costs that would weigh more on
 * the pass-through's shorter run). Each batch of records is written to an application's input in one transaction, so
 * the application (reading {@code read_committed}, as every exactly-once application does) sees none of it until
 * the transaction commits; its rate is the batch over the time from that commit to the last output being readable
 * by a reader positioned at the output's end beforehand. Nothing else runs meanwhile.
 *
 * <ol>
 *   <li>warm-up: {@code warmupSessions} sessions to the planner, three times as many records to the pass-through,
 *       so the JIT has compiled their hot paths and the planner's plan cache holds every BackupConfiguration
 *       (reported, not counted);</li>
 *   <li>rounds ({@code rounds}): a batch of {@code sessions} to the pass-through, then one to the planner. The report
 *       gives every round and the medians; the ratio is the median of the rounds' ratios, since a round's two
 *       batches ran back to back;</li>
 *   <li>latency: the planner gets {@code rate} sessions per second for {@code latencySeconds}; each session's
 *       latency is the moment its plan is read ({@code read_committed}) minus its {@code requestedAt}.</li>
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
        out.println("method:  both applications run throughout; each batch is written in one transaction and timed"
                + " from its commit to its last output being readable (read_committed)");
        out.flush();
        PlannerSerdes serdes = new PlannerSerdes(registry);
        String run = "bench-" + Long.toString(System.currentTimeMillis(), 36);
        Topics topics = new Topics(run);
        String passThroughIn = run + ".pass-through-in";
        String passThroughOut = run + ".pass-through-out";
        Map<String, Boolean> topicSpecs = new HashMap<>();
        for (String topic : List.of(passThroughIn, passThroughOut, topics.sessions(), topics.planRejections(),
                topics.rejected(), topics.jobs(CLUSTER))) {
            topicSpecs.put(topic, false);
        }
        topicSpecs.put(topics.definitions(), true);
        topicSpecs.put(topics.sessionStatus(), true);
        topicSpecs.put(topics.plannerFacts(), true);
        createTopics(topicSpecs);
        publishDefinitions(topics, serdes);

        try (KafkaStreams passThrough = new KafkaStreams(PassThroughBaseline.topology(passThroughIn, passThroughOut),
                streamsProperties(run + "-pass-through"));
             StreamsRunner planner = new StreamsRunner("planner-bench",
                     PlannerTopology.build(PlannerTopology.Settings.defaults(topics, Set.of(CLUSTER)), serdes,
                             new DefinitionsView(), PlannerListener.none()),
                     streamsProperties(run + "-planner"), null, 0, Duration.ofMinutes(1), Duration.ofSeconds(30))) {
            double passThroughStart = startAndAwaitRunning(passThrough, passThrough::start, "the pass-through");
            double plannerStart = startAndAwaitRunning(planner.streams(), planner::start, "the planner");
            out.println(String.format(Locale.ROOT, "start:        pass-through RUNNING %.2f s after start(), planner"
                    + " %.2f s (empty stores; group join, changelogs and global stores read)", passThroughStart,
                    plannerStart));
            out.flush();
            Feed passThroughFeed = new Feed(passThroughIn, List.of(passThroughOut), passThroughOut, record -> true);
            Feed plannerFeed = new Feed(topics.sessions(), List.of(topics.jobs(CLUSTER), topics.planRejections()),
                    topics.jobs(CLUSTER), record -> {
                        if (record.topic().equals(topics.planRejections())) {
                            PlanRejected rejected = ConfluentAvroSerde.forValues(registry, PlanRejected.class)
                                    .deserialize(record.topic(), record.value());
                            throw new IllegalStateException("the planner rejected a bench session: "
                                    + rejected.getReason());
                        }
                        return true;
                    });

            // warm-up: the same applications, so the JIT has compiled their hot paths, the planner's plan cache holds
            // every BackupConfiguration and the broker's transaction state exists before anything is measured
            double[] warmPassThrough = passThroughFeed.run(run + "-warm", options.warmupSessions() * 3, serdes);
            double[] warmPlanner = plannerFeed.run(run + "-warm", options.warmupSessions(), serdes);
            out.println(String.format(Locale.ROOT, "warm-up:      pass-through %,d records: %,.0f records/s; planner"
                            + " %,d sessions: %,.0f sessions/s (just started: JIT compiling, plan cache filling)",
                    options.warmupSessions() * 3, warmPassThrough[1], options.warmupSessions(), warmPlanner[1]));
            out.flush();

            double[] produced = new double[options.rounds()];
            double[] copied = new double[options.rounds()];
            double[] planned = new double[options.rounds()];
            for (int round = 0; round < options.rounds(); round++) {
                String prefix = run + "-" + (round + 1);
                double[] passThroughRound = passThroughFeed.run(prefix, options.sessions(), serdes);
                produced[round] = passThroughRound[0];
                copied[round] = passThroughRound[1];
                planned[round] = plannerFeed.run(prefix, options.sessions(), serdes)[1];
                out.println(String.format(Locale.ROOT, "round %d:      pass-through %,d records in %.2f s: %,.0f"
                                + " records/s; planner %,d sessions in %.2f s: %,.0f sessions/s (%.2f)", round + 1,
                        options.sessions(), options.sessions() / copied[round], copied[round], options.sessions(),
                        options.sessions() / planned[round], planned[round], planned[round] / copied[round]));
                out.flush();
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

    /**
     * Starts an application and waits until it is RUNNING (its partitions assigned, its tasks created).
     *
     * @return seconds from the start call to RUNNING
     */
    private static double startAndAwaitRunning(KafkaStreams streams, Runnable start, String what)
            throws InterruptedException {
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        long started = System.nanoTime();
        start.run();
        if (!running.await(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException(what + " did not reach RUNNING within 2 minutes (state "
                    + streams.state() + ")");
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /**
     * One application's input and output: a batch of session requests is written to the input in one transaction,
     * which the application (reading {@code read_committed}) cannot see until it commits; the application's rate is
     * the batch over the time from that commit to the last output being readable. Nothing but the application then
     * runs: the batch is in the log, the reader of the output was positioned at its end beforehand.
     */
    private final class Feed {
        private final String input;
        private final List<String> outputs;
        private final String counted;
        private final Predicate<ConsumerRecord<String, byte[]>> counts;

        Feed(String input, List<String> outputs, String counted, Predicate<ConsumerRecord<String, byte[]>> counts) {
            this.input = input;
            this.outputs = outputs;
            this.counted = counted;
            this.counts = counts;
        }

        /** @return {produce rate, application rate} */
        double[] run(String namePrefix, int count, PlannerSerdes serdes) throws Exception {
            Duration timeout = Duration.ofMinutes(2).plusMillis(count * 2L);
            try (PassThroughBaseline.Reader reader = PassThroughBaseline.Reader.openAtEnd(bootstrapServers, outputs,
                    timeout)) {
                Map<String, Object> settings = producerSettings();
                settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, namePrefix + "-" + input);
                settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
                long committing;
                double produced;
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings, new StringSerializer(),
                        new ByteArraySerializer())) {
                    producer.initTransactions();
                    producer.beginTransaction();
                    long start = System.nanoTime();
                    writeSessions(producer, input, namePrefix, count, serdes, null, null);
                    producer.flush();
                    produced = count / ((System.nanoTime() - start) / 1e9);
                    committing = System.nanoTime();
                    producer.commitTransaction();
                }
                long done = reader.await(counts, count, timeout, counted);
                return new double[] {produced, count / ((done - committing) / 1e9)};
            }
        }
    }

    /** @return {p50 ms, p99 ms, max ms, count} */
    private double[] latency(Topics topics, StreamsRunner planner, PlannerSerdes serdes) throws Exception {
        int count = (int) Math.round(options.rate() * options.latencySeconds());
        long[] latencies = new long[count];
        AtomicLong seen = new AtomicLong();
        Map<String, Long> requestedAt = new ConcurrentHashMap<>();
        Duration timeout = Duration.ofSeconds((long) options.latencySeconds() + 120);
        AtomicReference<RuntimeException> failed = new AtomicReference<>();
        try (PassThroughBaseline.Reader plans = PassThroughBaseline.Reader.openAtEnd(bootstrapServers,
                List.of(topics.jobs(CLUSTER)), timeout)) {
            Thread reader = new Thread(() -> {
                try {
                    plans.await(record -> {
                        long readAt = System.currentTimeMillis();
                        // keys are cluster/namespace/session
                        Long sentAt = requestedAt.get(record.key().substring(record.key().lastIndexOf('/') + 1));
                        if (sentAt == null) {
                            return false;
                        }
                        int index = (int) seen.getAndIncrement();
                        if (index < count) {
                            latencies[index] = readAt - sentAt;
                        }
                        return true;
                    }, count, timeout, topics.jobs(CLUSTER));
                } catch (RuntimeException e) {
                    failed.set(e);
                }
            }, "latency-reader");
            reader.start();
            produceSessions(topics.sessions(), "latency", count, serdes, options.rate(), requestedAt);
            reader.join();
        }
        if (seen.get() < count) {
            throw new IllegalStateException("only " + seen.get() + " of " + count + " latency sessions were planned"
                    + (failed.get() == null ? "" : ": " + failed.get().getMessage()));
        }
        if (planner.livenessProblem().isPresent()) {
            throw new IllegalStateException("the planner failed: " + planner.livenessProblem().get());
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
     * Writes {@code count} session requests round-robin over the BackupConfigurations, with a producer of its own.
     *
     * @param rate              per second
     * @param requestedAtByName where to note each session's requestedAt (epoch ms)
     */
    private void produceSessions(String topic, String namePrefix, int count, PlannerSerdes serdes, double rate,
                                 Map<String, Long> requestedAtByName) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerSettings(), new StringSerializer(),
                new ByteArraySerializer())) {
            writeSessions(producer, topic, namePrefix, count, serdes, rate, requestedAtByName);
            producer.flush();
        }
    }

    /**
     * Sends {@code count} session requests round-robin over the BackupConfigurations, named
     * {@code <namePrefix>-<i>}.
     *
     * @param rate              per second, or null for as fast as possible
     * @param requestedAtByName where to note each session's requestedAt (epoch ms), or null
     */
    private static void writeSessions(KafkaProducer<String, byte[]> producer, String topic, String namePrefix,
                                      int count, PlannerSerdes serdes, Double rate,
                                      Map<String, Long> requestedAtByName) throws InterruptedException {
        ConfluentAvroSerde<SessionRequested> serde = serdes.sessionRequested();
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
    }

    // ---------------------------------------------------------------------------------------------------------------
    // plumbing

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
