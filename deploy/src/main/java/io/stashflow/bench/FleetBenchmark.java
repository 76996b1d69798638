package io.stashflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stashflow.api.registry.SchemaRegistry;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.Definition;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.PlanRejected;
import io.stashflow.events.Rejected;
import io.stashflow.events.SessionRequested;
import io.stashflow.events.SessionStatus;
import io.stashflow.executor.ExecutorApplication;
import io.stashflow.executor.config.ExecutorConfig;
import io.stashflow.executor.simulated.SimulatedCluster;
import io.stashflow.executor.simulated.SimulatedJobRuntime;
import io.stashflow.executor.simulated.StepBehaviour;
import io.stashflow.executor.simulated.StepBehaviours;
import io.stashflow.planner.bench.BenchDefinitions;
import io.stashflow.planner.bench.PassThroughBaseline;
import io.stashflow.planner.lifecycle.SessionNames;
import io.stashflow.planner.service.PlannerConfig;
import io.stashflow.planner.service.PlannerService;
import io.stashflow.planner.topology.PlannerTopology;
import io.stashflow.reporter.ReporterConfig;
import io.stashflow.reporter.ReporterService;
import io.stashflow.reporter.core.Phases;
import io.stashflow.service.config.ConfigReader;
import io.stashflow.service.kafka.TopicBootstrap;
import io.stashflow.service.streams.StreamsRunner;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * {@code stashflow bench fleet}: fleet mode at scale on one machine. One planner (all clusters) and one reporter, as
 * in production, and one agent per cluster, all in this JVM on an in-process broker; every BackupConfiguration of
 * every cluster is due at the same cron tick, which the planner's real scheduler fires.
 *
 * <p><b>What is simulated</b>: the clusters. Each agent is the real {@link ExecutorApplication} in agent mode (plan
 * consumer, concurrency and pod-creation limits, outcome publisher; the mirror and status write-back are off, as
 * there is no API server) on a {@link SimulatedJobRuntime}: its runs live in an in-memory {@link SimulatedCluster}
 * where every step "runs" for {@code stepDelay} and then succeeds (a {@code failureRatio} share of the plans fails
 * its first step), and update-status reports what the built-in one would. Everything between the tick and the final
 * status is the real code: scheduler, planner (resolving the catalog's postgres Task), agents, reporter, over Kafka
 * with exactly-once Streams.
 *
 * <p><b>The tick</b>: every BackupConfiguration gets the schedule {@code "M H * * *"} (daily, at the tick's minute),
 * and the planner evaluates cron in a fixed-offset zone of a few seconds (its {@code schedule-time-zone} setting) so
 * that this minute boundary falls {@code tickLead} after the moment the bench chooses it (then it writes the
 * definitions and starts the planner), instead of waiting up to a minute for a UTC minute. The run fails early when
 * the scheduler has not read every definition by then. The scheduler fires each configuration once, as
 * {@code <config>-<unix seconds>}.
 *
 * <p><b>Shared in the JVM</b>: the broker, the schema registry (in memory) and the simulated clusters' timer threads;
 * each agent has its own Kafka clients, runtime and HTTP endpoint, as separate agents would.
 *
 * <p><b>Checked</b>: every expected session has a final phase in {@code <prefix>.session-status}, no other session
 * appears, no SessionRequested or JobPlanned is duplicated, and no plan became more than one run (or a run in the
 * wrong cluster). The run fails otherwise.
 */
public final class FleetBenchmark {

    public static final String PREFIX = "fleet";
    static final String PLANNER_ID = "fleet-planner";
    static final String REPORTER_ID = "fleet-reporter";
    static final String AGENT_GROUP_PREFIX = "fleet-agent-";
    static final String PASS_THROUGH_ID = "fleet-pass-through";
    /** How long the observer keeps reading after the last session became final, for late duplicates. */
    static final Duration SETTLE = Duration.ofSeconds(3);

    /**
     * @param clusters          agents (one cluster each)
     * @param sessions          sessions in total: {@code sessions / clusters} BackupConfigurations per cluster
     * @param stepDelay         how long every simulated step runs
     * @param failureRatio      share of plans whose first step fails
     * @param namespaces        namespaces per cluster the configurations are spread over
     * @param tickLead          from writing the definitions to the tick; null for a default from the sizes
     * @param timeout           from the tick to giving up on sessions that are not final
     * @param partitions        partitions of every topic
     * @param simulationThreads timer threads all simulated clusters share
     */
    public record Options(int clusters, int sessions, Duration stepDelay, double failureRatio, int namespaces,
                         Duration tickLead, Duration timeout, int partitions, int simulationThreads) {
        public Options {
            if (clusters < 1 || sessions < 1) {
                throw new IllegalArgumentException("--clusters and --sessions must be positive");
            }
            if (sessions % clusters != 0) {
                throw new IllegalArgumentException("--sessions (" + sessions + ") must be a multiple of --clusters ("
                        + clusters + "): every cluster gets sessions/clusters BackupConfigurations");
            }
            if (stepDelay.isNegative()) {
                throw new IllegalArgumentException("--step-delay cannot be negative");
            }
            if (!(failureRatio >= 0 && failureRatio <= 1)) {
                throw new IllegalArgumentException("--failure-ratio must be between 0 and 1");
            }
            if (namespaces < 1 || partitions < 1 || simulationThreads < 1) {
                throw new IllegalArgumentException("--namespaces, --partitions and --simulation-threads must be"
                        + " positive");
            }
            if (tickLead != null && (tickLead.isNegative() || tickLead.isZero())) {
                throw new IllegalArgumentException("--tick-lead must be positive");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("--timeout must be positive");
            }
        }

        public int configsPerCluster() {
            return sessions / clusters;
        }

        public int namespacesPerCluster() {
            return Math.min(namespaces, configsPerCluster());
        }

        /**
         * The lead given, or 15 s plus 5 s per 1,000 sessions: writing the definitions, starting the planner and the
         * scheduler reading them (about 50 s for 10,000 sessions on two busy cores), with room to spare.
         */
        public Duration effectiveTickLead() {
            return tickLead != null ? tickLead : Duration.ofSeconds(15).plusMillis(5L * sessions);
        }
    }

    /** What the completeness check found. */
    public record Check(int expected, int finalSessions, int lost, int unexpected, int duplicateRequests,
                        int duplicatePlans, int runs, int duplicateRuns, int wrongClusterRuns, long planRejections,
                        long rejected, boolean timedOut) {
        public boolean ok() {
            return !timedOut && lost == 0 && unexpected == 0 && duplicateRequests == 0 && duplicatePlans == 0
                    && duplicateRuns == 0 && wrongClusterRuns == 0;
        }
    }

    /** The figures of a run (times in seconds after the tick). */
    public record Result(Check check, Map<String, Integer> phases, double requestedSeconds, double plannedSeconds,
                         double dispatchedSeconds, double finalSeconds, double passThroughPerSecond) {
    }

    private final String bootstrapServers;
    private final SchemaRegistry registry;
    private final Path catalog;
    private final Path work;
    private final Options options;
    private final PrintWriter out;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Topics topics = new Topics(PREFIX);

    public FleetBenchmark(String bootstrapServers, SchemaRegistry registry, Path catalog, Path work, Options options,
                          PrintWriter out) {
        this.bootstrapServers = bootstrapServers;
        this.registry = registry;
        this.catalog = catalog;
        this.work = work;
        this.options = options;
        this.out = out;
    }

    /** Cluster ids {@code fleet-000}, {@code fleet-001}, ... */
    static List<String> clusterIds(int clusters) {
        int width = Math.max(3, Integer.toString(clusters - 1).length());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < clusters; i++) {
            ids.add("fleet-" + String.format(Locale.ROOT, "%0" + width + "d", i));
        }
        return ids;
    }

    /**
     * The tick at {@code tick}: a daily cron at the minute of the tick's local time in a zone offset by
     * {@code 0..59} seconds such that the tick is a local minute boundary.
     */
    record Tick(Instant at, ZoneOffset zone, String schedule) {
        static Tick at(Instant tick) {
            Instant whole = Instant.ofEpochSecond(tick.getEpochSecond() + (tick.getNano() > 0 ? 1 : 0));
            int offset = (int) ((60 - Math.floorMod(whole.getEpochSecond(), 60)) % 60);
            ZoneOffset zone = ZoneOffset.ofTotalSeconds(offset);
            LocalDateTime local = LocalDateTime.ofEpochSecond(whole.getEpochSecond(), 0, zone);
            return new Tick(whole, zone, local.getMinute() + " " + local.getHour() + " * * *");
        }
    }

    public Result run() throws Exception {
        List<String> clusters = clusterIds(options.clusters());
        int perCluster = options.configsPerCluster();
        int namespaces = options.namespacesPerCluster();
        printHeader(clusters, perCluster, namespaces);

        Set<String> httpPorts = new CopyOnWriteArraySet<>();
        Map<String, Set<String>> portsByService = Map.of("planner", new CopyOnWriteArraySet<>(), "reporter",
                new CopyOnWriteArraySet<>(), "agents", httpPorts);
        ResourceSampler sampler = new ResourceSampler(List.of(
                new ResourceSampler.Group("planner (planner + scheduler)", name -> name.contains(PLANNER_ID)
                        || portsByService.get("planner").contains(name)),
                new ResourceSampler.Group("reporter", name -> name.contains(REPORTER_ID) || name.startsWith("reporter-")
                        || portsByService.get("reporter").contains(name)),
                new ResourceSampler.Group("agents (all " + clusters.size() + ")", name -> name.contains(
                        AGENT_GROUP_PREFIX) || name.startsWith("job-agent-") || name.startsWith("simulated-runtime")
                        || httpPorts.contains(name)),
                new ResourceSampler.Group("bench (observer, sampler, main)", name -> name.startsWith("fleet-bench")
                        || name.equals("main") || name.contains(PASS_THROUGH_ID))),
                Duration.ofMillis(100));
        sampler.start();
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(options.simulationThreads(), r -> {
            Thread t = new Thread(r, "simulated-runtime-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Map<String, SimulatedCluster> simulated = new LinkedHashMap<>();
        List<ExecutorApplication> agents = new ArrayList<>();
        ReporterService reporter = null;
        PlannerService planner = null;
        Observer observer = null;
        try {
            long start = System.nanoTime();
            createTopics(clusters);
            double topicsSeconds = secondsSince(start);

            start = System.nanoTime();
            reporter = startReporter();
            portsByService.get("reporter").add("http-" + reporter.httpPort());
            double reporterSeconds = secondsSince(start);

            start = System.nanoTime();
            StepBehaviour behaviour = StepBehaviours.succeedAfter(options.stepDelay(), options.failureRatio());
            for (String cluster : clusters) {
                simulated.put(cluster, new SimulatedCluster(timers, behaviour, Clock.systemUTC()));
            }
            agents.addAll(startAgents(clusters, simulated, httpPorts));
            double agentsSeconds = secondsSince(start);

            // read once from YAML like the directory source does; written below for every cluster
            start = System.nanoTime();
            List<BenchDefinitions.Keyed> template = BenchDefinitions.of(catalog, "template",
                    BenchDefinitions.postgresWorld(perCluster, namespaces, "@daily"), Instant.now());
            double readSeconds = secondsSince(start);

            // the tick: far enough ahead for the definitions to be written and read by the scheduler
            Tick tick = Tick.at(Instant.now().plus(options.effectiveTickLead()));
            Set<String> expected = expectedSessions(clusters, perCluster, namespaces, tick);
            observer = new Observer(expected);
            Thread observerThread = new Thread(observer, "fleet-bench-observer");
            observerThread.setDaemon(true);
            observerThread.start();

            start = System.nanoTime();
            int definitions = publishDefinitions(template, clusters, tick.schedule());
            double definitionsSeconds = secondsSince(start);

            start = System.nanoTime();
            planner = startPlanner(clusters, tick);
            portsByService.get("planner").add("http-" + planner.httpPort());
            double plannerSeconds = secondsSince(start);
            out.println(String.format(Locale.ROOT, "start:   topics %.1f s, reporter %.1f s, %d agents %.1f s,"
                            + " definitions read %.1f s, %,d written %.1f s, planner %.1f s", topicsSeconds,
                    reporterSeconds, clusters.size(), agentsSeconds, readSeconds, definitions, definitionsSeconds,
                    plannerSeconds));
            out.flush();

            awaitSchedulerCaughtUp(planner, definitions, tick);
            // the idle footprint: everything started and loaded, nothing running yet
            System.gc();
            long idleHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            out.println(String.format(Locale.ROOT, "tick:    %s, schedule \"%s\" in zone %s on every"
                            + " BackupConfiguration; sessions are named <config>-%d", tick.at(), tick.schedule(),
                    tick.zone().getId(), tick.at().getEpochSecond()));
            out.flush();
            sampler.openWindow();

            Progress progress = awaitFinal(observer, simulated, tick, expected.size());
            sampler.closeWindow();
            // late duplicates (a second tick, a redelivered plan) would show up now
            Thread.sleep(SETTLE.toMillis());
            observer.stop();
            observerThread.join(10_000);

            Check check = check(observer, simulated, expected, progress.timedOut);
            Map<String, Integer> phases = observer.phases(expected);
            double requested = observer.lastRequestAt.get() == 0 ? Double.NaN
                    : (observer.lastRequestAt.get() - tick.at().toEpochMilli()) / 1e3;
            double firstRequested = observer.firstRequestAt.get() == 0 ? Double.NaN
                    : (observer.firstRequestAt.get() - tick.at().toEpochMilli()) / 1e3;
            double planned = observer.lastPlanAt.get() == 0 ? Double.NaN
                    : (observer.lastPlanAt.get() - tick.at().toEpochMilli()) / 1e3;
            double dispatched = progress.dispatchedAt == null ? Double.NaN
                    : (progress.dispatchedAt.toEpochMilli() - tick.at().toEpochMilli()) / 1e3;
            double allFinal = progress.finalAt == null ? Double.NaN
                    : (progress.finalAt.toEpochMilli() - tick.at().toEpochMilli()) / 1e3;
            double planRate = observer.lastPlanAt.get() == 0 || observer.firstRequestAt.get() == 0 ? Double.NaN
                    : observer.plansById.size() / ((observer.lastPlanAt.get() - observer.firstRequestAt.get()) / 1e3);

            int n = expected.size();
            out.println("timeline, from the tick (records read committed by one observer consumer):");
            out.println(String.format(Locale.ROOT, "  %-62s %+9.2f s  (first %+.2f s)",
                    "scheduler: all " + fmt(n) + " SessionRequested readable", requested, firstRequested));
            double firstPlanned = observer.firstPlanAt.get() == 0 ? Double.NaN
                    : (observer.firstPlanAt.get() - tick.at().toEpochMilli()) / 1e3;
            out.println(String.format(Locale.ROOT, "  %-62s %+9.2f s  (first %+.2f s; %,.0f sessions/s from the"
                    + " first request)", "planner: all " + fmt(n) + " JobPlanned readable (planned)", planned,
                    firstPlanned, planRate));
            out.println(String.format(Locale.ROOT, "  %-62s %+9.2f s",
                    "agents: all " + fmt(n) + " runs created (dispatched)", dispatched));
            out.println(String.format(Locale.ROOT, "  %-62s %+9.2f s  (%,.0f sessions/s from the tick)",
                    "reporter: all " + fmt(n) + " sessions final in " + topics.sessionStatus(), allFinal,
                    n / allFinal));
            long[] latencies = observer.finalLatencies(expected, tick.at().toEpochMilli());
            if (latencies.length > 0) {
                out.println(String.format(Locale.ROOT, "  per session, tick to final status readable: p50 %.2f s,"
                                + " p99 %.2f s, max %.2f s", percentile(latencies, 0.50) / 1e3,
                        percentile(latencies, 0.99) / 1e3, latencies[latencies.length - 1] / 1e3));
            }
            StringBuilder phaseText = new StringBuilder();
            phases.forEach((phase, count) -> phaseText.append(phaseText.length() == 0 ? "" : ", ")
                    .append(phase).append(' ').append(fmt(count)));
            out.println("phases:  " + (phaseText.length() == 0 ? "(none)" : phaseText));
            printCheck(check, observer);
            out.flush();

            // the baseline: the same SessionRequested records through a copying Streams app with the planner's settings
            long records = observer.recordsIn(topics.sessions());
            double passThrough = Double.NaN;
            if (records > 0) {
                PassThroughBaseline.Result copied = passThrough(records);
                passThrough = copied.perSecond();
                out.println(String.format(Locale.ROOT, "pass-through: the run's %,d SessionRequested records copied"
                                + " by a Streams app (exactly_once_v2, 1 stream thread, the planner's commit interval"
                                + " and producer settings)"
                                + " in %.2f s: %,.0f records/s; planning ran at %,.0f sessions/s = %.3f of it",
                        records, copied.seconds(), passThrough, planRate, planRate / passThrough));
            }
            printResources(sampler.figures(), idleHeap, clusters.size());
            out.println("result:  " + (check.ok() ? "OK: " + fmt(n) + " sessions from " + clusters.size()
                    + " clusters, none lost, none duplicated" : "FAILED: " + failureText(check)));
            out.flush();
            return new Result(check, phases, requested, planned, dispatched, allFinal, passThrough);
        } finally {
            if (observer != null) {
                observer.stop();
            }
            closeAll(planner, agents, reporter);
            timers.shutdownNow();
            sampler.close();
        }
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    // ---------------------------------------------------------------------------------------------------------------
    // set-up

    private void printHeader(List<String> clusters, int perCluster, int namespaces) {
        var runtime = ManagementFactory.getRuntimeMXBean();
        out.println("jvm:     " + runtime.getVmName() + " " + runtime.getVmVersion() + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB, args " + runtime.getInputArguments());
        out.println("machine: " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores (broker, planner, reporter, agents and the bench"
                + " share them)");
        out.println(String.format(Locale.ROOT, "set-up:  %d clusters x %,d BackupConfigurations (the catalog's"
                        + " postgres backup Task, %d namespaces per cluster) = %,d sessions from one cron tick;"
                        + " %d partitions per topic", clusters.size(), perCluster, namespaces, options.sessions(),
                options.partitions()));
        out.println("services: 1 planner (planner + scheduler Streams apps, all " + clusters.size() + " clusters),"
                + " 1 reporter, " + clusters.size() + " agents (ExecutorApplication, agent mode, mirror off, default"
                + " limits: 20 pod creations/s, burst 50), one JVM, one in-memory schema registry");
        out.println(String.format(Locale.ROOT, "simulation: the clusters are simulated (no API server, no pods, no"
                        + " processes): every step of a plan 'runs' %s, then %s; the %d simulated clusters share %d"
                        + " timer thread(s)", describe(options.stepDelay()), options.failureRatio() == 0
                        ? "succeeds" : "succeeds, except the first step of a " + options.failureRatio()
                        + " share of the plans, which fails", clusters.size(), options.simulationThreads()));
        out.flush();
    }

    private void createTopics(List<String> clusters) {
        List<TopicBootstrap.TopicSpec> specs = new ArrayList<>();
        for (String topic : topics.sharedTopics()) {
            specs.add(TopicBootstrap.TopicSpec.of(topic, options.partitions(), (short) 1, topics.isCompacted(topic)));
        }
        for (String cluster : clusters) {
            specs.add(TopicBootstrap.TopicSpec.of(topics.jobs(cluster), options.partitions(), (short) 1, false));
        }
        try (Admin admin = admin()) {
            TopicBootstrap.ensure(admin, specs, 120_000);
        }
    }

    private ReporterService startReporter() {
        Map<String, String> flags = new HashMap<>();
        flags.put("bootstrap-servers", bootstrapServers);
        flags.put("topic-prefix", PREFIX);
        flags.put("application-id", REPORTER_ID);
        flags.put("state-dir", work.resolve("reporter").toString());
        flags.put("http-port", "0");
        flags.put("partitions", Integer.toString(options.partitions()));
        ReporterConfig config = ReporterConfig.read(ConfigReader.of("reporter", flags, Map.of(), java.util.Optional
                .empty()), false);
        ReporterService reporter = new ReporterService(config, registry, Clock.systemUTC(), Map.of());
        reporter.start();
        return reporter;
    }

    private List<ExecutorApplication> startAgents(List<String> clusters, Map<String, SimulatedCluster> simulated,
                                                  Set<String> httpPorts) throws Exception {
        // agents start independently of each other; a few at a time keeps the start-up short on two cores
        ExecutorService starters = Executors.newFixedThreadPool(4, r -> new Thread(r,
                "fleet-bench-start-" + THREADS.incrementAndGet()));
        try {
            List<Future<ExecutorApplication>> started = new ArrayList<>();
            for (String cluster : clusters) {
                started.add(starters.submit(() -> {
                    ExecutorApplication agent = startAgent(cluster, simulated.get(cluster));
                    httpPorts.add("http-" + agent.httpPort());
                    return agent;
                }));
            }
            List<ExecutorApplication> agents = new ArrayList<>();
            Exception failure = null;
            for (Future<ExecutorApplication> f : started) {
                try {
                    agents.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    failure = failure == null && e.getCause() instanceof Exception cause ? cause : failure;
                }
            }
            if (failure != null) {
                closeAll(null, agents, null);
                throw failure;
            }
            return agents;
        } finally {
            starters.shutdown();
        }
    }

    private ExecutorApplication startAgent(String cluster, SimulatedCluster simulated) {
        Map<String, String> flags = new HashMap<>();
        flags.put("bootstrap-servers", bootstrapServers);
        flags.put("topic-prefix", PREFIX);
        flags.put("cluster-id", cluster);
        flags.put("group-id", AGENT_GROUP_PREFIX + cluster);
        flags.put("mirror", "false");
        flags.put("http-port", "0");
        flags.put("partitions", Integer.toString(options.partitions()));
        ExecutorConfig config = ExecutorConfig.read(ConfigReader.of("agent", flags, Map.of(),
                java.util.Optional.empty()), ExecutorConfig.Mode.AGENT, Map.of());
        return ExecutorApplication.start(config, ExecutorConfig.Mode.AGENT, registry, () -> {
            throw new IllegalStateException("the fleet benchmark's agents have no API server");
        }, Clock.systemUTC(), new SimulatedJobRuntime(simulated, cluster, Duration.ofSeconds(1), Clock.systemUTC()));
    }

    private PlannerService startPlanner(List<String> clusters, Tick tick) {
        Map<String, String> flags = new HashMap<>();
        flags.put("bootstrap-servers", bootstrapServers);
        flags.put("topic-prefix", PREFIX);
        flags.put("application-id", PLANNER_ID);
        flags.put("state-dir", work.resolve("planner").toString());
        flags.put("clusters", String.join(",", clusters));
        flags.put("http-host", "127.0.0.1");
        flags.put("http-port", "0");
        flags.put("partitions", Integer.toString(options.partitions()));
        flags.put("schedule-time-zone", tick.zone().getId());
        PlannerConfig config = PlannerConfig.read(ConfigReader.of("planner", flags, Map.of(),
                java.util.Optional.empty()), false);
        return PlannerService.start(config, registry, Map.of());
    }

    /**
     * Writes the template's definitions for every cluster, with the cluster in key and value (what each cluster's
     * mirror would write) and the tick's cron as every BackupConfiguration's {@code spec.schedule}.
     */
    private int publishDefinitions(List<BenchDefinitions.Keyed> template, List<String> clusters, String schedule)
            throws Exception {
        List<Definition> documents = new ArrayList<>();
        for (BenchDefinitions.Keyed d : template) {
            Definition value = d.definition();
            if (value.getKind().equals("BackupConfiguration")) {
                ObjectNode document = (ObjectNode) JSON.readTree(value.getDocument());
                ((ObjectNode) document.get("spec")).put("schedule", schedule);
                value = Definition.newBuilder(value).setDocument(JSON.writeValueAsString(document)).build();
            }
            documents.add(value);
        }
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        settings.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, "fleet-bench-definitions");
        int count = 0;
        try (KafkaProducer<String, Definition> producer = new KafkaProducer<>(settings, new StringSerializer(),
                ConfluentAvroSerde.forValues(registry, Definition.class))) {
            Instant now = Instant.now();
            for (String cluster : clusters) {
                for (Definition document : documents) {
                    Definition value = Definition.newBuilder(document).setCluster(cluster).setObservedAt(now).build();
                    String key = RecordKeys.definition(cluster, value.getKind(), value.getNamespace(),
                            value.getName());
                    producer.send(new ProducerRecord<>(topics.definitions(), key, value));
                    count++;
                }
            }
            producer.flush();
        }
        return count;
    }

    /** Waits until the scheduler has read every definition and the planner holds them all, before the tick. */
    private void awaitSchedulerCaughtUp(PlannerService planner, int definitions, Tick tick) throws Exception {
        long started = System.nanoTime();
        try (Admin admin = admin()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < options.partitions(); p++) {
                partitions.add(new TopicPartition(topics.definitions(), p));
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(30, TimeUnit.SECONDS);
            String group = PLANNER_ID + "-scheduler";
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                boolean scheduled = partitions.stream().allMatch(tp -> committed.get(tp) != null
                        && committed.get(tp).offset() >= ends.get(tp).offset());
                boolean loaded = planner.definitions().size() >= definitions;
                if (scheduled && loaded) {
                    out.println(String.format(Locale.ROOT, "ready:   the scheduler read all %,d definitions and the"
                                    + " planner holds them %.1f s after the planner started, %.1f s before the tick",
                            definitions, secondsSince(started),
                            (tick.at().toEpochMilli() - System.currentTimeMillis()) / 1e3));
                    out.flush();
                    return;
                }
                if (!Instant.now().isBefore(tick.at())) {
                    throw new IllegalStateException("the scheduler had not read every definition (" + (scheduled
                            ? "done" : "not yet") + ") or the planner did not hold them (" + planner.definitions()
                            .size() + " of " + definitions + ") when the tick came; the sessions would not all"
                            + " fire at once. Give a longer --tick-lead than " + describe(
                                    options.effectiveTickLead()));
                }
                Thread.sleep(100);
            }
        }
    }

    private Set<String> expectedSessions(List<String> clusters, int perCluster, int namespaces, Tick tick) {
        Set<String> expected = new HashSet<>();
        for (String cluster : clusters) {
            for (int i = 0; i < perCluster; i++) {
                expected.add(RecordKeys.of(cluster, BenchDefinitions.namespace(i, namespaces),
                        SessionNames.of(BenchDefinitions.configName(i), tick.at())));
            }
        }
        return expected;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // measurement

    private record Progress(Instant dispatchedAt, Instant finalAt, boolean timedOut) {
    }

    private Progress awaitFinal(Observer observer, Map<String, SimulatedCluster> simulated, Tick tick, int expected)
            throws InterruptedException {
        long deadline = tick.at().plus(options.timeout()).toEpochMilli();
        long nextReport = tick.at().toEpochMilli() + 10_000;
        Instant dispatchedAt = null;
        while (true) {
            long now = System.currentTimeMillis();
            int runs = 0;
            for (SimulatedCluster cluster : simulated.values()) {
                runs += cluster.creations().size();
            }
            if (dispatchedAt == null && runs >= expected) {
                dispatchedAt = latestCreation(simulated);
            }
            int finals = observer.expectedFinal.get();
            if (finals >= expected) {
                return new Progress(dispatchedAt, Instant.ofEpochMilli(observer.lastExpectedFinalAt.get()), false);
            }
            if (now >= nextReport) {
                out.println(String.format(Locale.ROOT, "  ... %+6.0f s: requested %,d, planned %,d, runs %,d, final"
                                + " %,d of %,d", (now - tick.at().toEpochMilli()) / 1e3, observer.requests.size(),
                        observer.plansById.size(), runs, finals, expected));
                out.flush();
                nextReport += 10_000;
            }
            if (now >= deadline) {
                out.println("timed out after " + describe(options.timeout()) + " from the tick with " + finals + " of "
                        + expected + " sessions final");
                return new Progress(dispatchedAt, null, true);
            }
            Thread.sleep(50);
        }
    }

    private static Instant latestCreation(Map<String, SimulatedCluster> simulated) {
        Instant latest = null;
        for (SimulatedCluster cluster : simulated.values()) {
            for (SimulatedCluster.Creation c : cluster.creations()) {
                latest = latest == null || c.at().isAfter(latest) ? c.at() : latest;
            }
        }
        return latest;
    }

    private Check check(Observer observer, Map<String, SimulatedCluster> simulated, Set<String> expected,
                        boolean timedOut) {
        int finalSessions = 0;
        for (String session : expected) {
            if (Phases.isFinal(observer.phase.get(session))) {
                finalSessions++;
            }
        }
        Set<String> seen = new HashSet<>(observer.requests.keySet());
        seen.addAll(observer.phase.keySet());
        seen.addAll(observer.plansBySession.keySet());
        seen.removeAll(expected);
        int duplicateRequests = observer.requests.values().stream().mapToInt(c -> c - 1).sum();
        int duplicatePlans = observer.plansById.values().stream().mapToInt(c -> c - 1).sum()
                + observer.plansBySession.values().stream().mapToInt(ids -> ids.size() - 1).sum();
        Map<String, Integer> runsByPlan = new HashMap<>();
        Map<String, Integer> runsBySession = new HashMap<>();
        int runs = 0;
        int wrongCluster = 0;
        for (Map.Entry<String, SimulatedCluster> e : simulated.entrySet()) {
            for (SimulatedCluster.Creation c : e.getValue().creations()) {
                runs++;
                runsByPlan.merge(c.identity().planId(), 1, Integer::sum);
                runsBySession.merge(c.identity().recordKey(), 1, Integer::sum);
                if (!c.identity().cluster().equals(e.getKey())) {
                    wrongCluster++;
                }
            }
        }
        int duplicateRuns = runsByPlan.values().stream().mapToInt(c -> c - 1).sum()
                + runsBySession.values().stream().mapToInt(c -> c - 1).sum();
        return new Check(expected.size(), finalSessions, expected.size() - finalSessions, seen.size(),
                duplicateRequests, duplicatePlans, runs, duplicateRuns, wrongCluster, observer.planRejections.get(),
                observer.rejected.get(), timedOut);
    }

    private void printCheck(Check check, Observer observer) {
        out.println(String.format(Locale.ROOT, "check:   %,d sessions expected, %,d final in %s, %,d lost, %,d"
                        + " unexpected; SessionRequested %,d duplicated; JobPlanned %,d for %,d sessions, %,d"
                        + " duplicated; runs %,d, %,d duplicated, %,d in the wrong cluster; PlanRejected %,d,"
                        + " rejected records %,d", check.expected(), check.finalSessions(), topics.sessionStatus(),
                check.lost(), check.unexpected(), check.duplicateRequests(), observer.plansById.values().stream()
                        .mapToInt(Integer::intValue).sum(), observer.plansBySession.size(), check.duplicatePlans(),
                check.runs(), check.duplicateRuns(), check.wrongClusterRuns(), check.planRejections(),
                check.rejected()));
        if (observer.firstProblem != null) {
            out.println("         first rejection: " + observer.firstProblem);
        }
    }

    private static String failureText(Check check) {
        List<String> problems = new ArrayList<>();
        if (check.timedOut()) {
            problems.add("timed out");
        }
        if (check.lost() > 0) {
            problems.add(check.lost() + " sessions lost (no final status)");
        }
        if (check.unexpected() > 0) {
            problems.add(check.unexpected() + " unexpected sessions");
        }
        if (check.duplicateRequests() > 0) {
            problems.add(check.duplicateRequests() + " duplicated SessionRequested");
        }
        if (check.duplicatePlans() > 0) {
            problems.add(check.duplicatePlans() + " duplicated JobPlanned");
        }
        if (check.duplicateRuns() > 0) {
            problems.add(check.duplicateRuns() + " duplicated runs");
        }
        if (check.wrongClusterRuns() > 0) {
            problems.add(check.wrongClusterRuns() + " runs in the wrong cluster");
        }
        return String.join(", ", problems);
    }

    private PassThroughBaseline.Result passThrough(long records) {
        String outTopic = PREFIX + ".pass-through-out";
        try (Admin admin = admin()) {
            TopicBootstrap.ensure(admin, List.of(TopicBootstrap.TopicSpec.of(outTopic, options.partitions(), (short) 1,
                    false)), 30_000);
        }
        // the planner's settings (commit interval, one stream thread, its producer settings), as the output says
        Map<String, Object> extra = new HashMap<>(PlannerTopology.streamsSettings());
        extra.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) PlannerConfig.DEFAULT_COMMIT_INTERVAL.toMillis());
        extra.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        extra.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        return PassThroughBaseline.copy(bootstrapServers, StreamsRunner.properties(PASS_THROUGH_ID, bootstrapServers,
                work.resolve("pass-through"), extra), topics.sessions(), outTopic, records, Duration.ofMinutes(5));
    }

    private void printResources(ResourceSampler.Figures figures, long idleHeap, int clusters) {
        long mib = 1024 * 1024;
        out.println(String.format(Locale.ROOT, "heap (the whole JVM: broker, services and bench together; it cannot"
                        + " be split by service in one JVM): %,d MiB live with everything started before the tick"
                        + " (after System.gc()), peak after GC %,d MiB (%,d GCs), peak used %,d MiB (sampled every"
                        + " 100 ms), max %,d MiB", idleHeap / mib, figures.peakHeapAfterGc() / mib, figures.gcCount(),
                figures.peakHeapUsed() / mib, figures.maxHeap() / mib));
        out.println("by service, tick to all final (threads grouped by name; allocation is bytes allocated, not heap"
                + " retained):");
        out.println(String.format(Locale.ROOT, "  %-34s %-20s %14s %10s", "service", "threads (peak)",
                "allocated MiB", "CPU s"));
        for (ResourceSampler.GroupFigures g : figures.groups()) {
            String threads = Integer.toString(g.peakThreads());
            if (g.name().startsWith("agents") && clusters > 0) {
                threads += String.format(Locale.ROOT, " (%.2f/agent)", g.peakThreads() / (double) clusters);
            }
            out.println(String.format(Locale.ROOT, "  %-34s %-20s %,14.1f %10.1f", g.name(), threads,
                    g.allocatedBytes() / (double) mib, g.cpuNanos() / 1e9));
        }
        out.println("  (an agent's own threads: its consuming loop, the consumer's heartbeat, the I/O threads of its two"
                + " producers; the simulation timers are shared and counted with the agents; the JDK's HTTP-Dispatcher"
                + " thread of every service's endpoint counts under 'broker and other threads')");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the observer

    /** Reads everything the run produces, read_committed, and notes when. */
    private final class Observer implements Runnable {
        final Set<String> expected;
        final ConcurrentHashMap<String, Integer> requests = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, Integer> plansById = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, Set<String>> plansBySession = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, String> phase = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, Long> finalAt = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, AtomicLong> recordsByTopic = new ConcurrentHashMap<>();
        final AtomicInteger expectedFinal = new AtomicInteger();
        final AtomicLong lastExpectedFinalAt = new AtomicLong();
        final AtomicLong firstRequestAt = new AtomicLong();
        final AtomicLong lastRequestAt = new AtomicLong();
        final AtomicLong firstPlanAt = new AtomicLong();
        final AtomicLong lastPlanAt = new AtomicLong();
        final AtomicLong planRejections = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        volatile String firstProblem;
        volatile boolean running = true;
        private final ConfluentAvroSerde<SessionRequested> requestSerde =
                ConfluentAvroSerde.forValues(registry, SessionRequested.class);
        private final ConfluentAvroSerde<JobPlanned> planSerde = ConfluentAvroSerde.forValues(registry,
                JobPlanned.class);
        private final ConfluentAvroSerde<SessionStatus> statusSerde = ConfluentAvroSerde.forValues(registry,
                SessionStatus.class);
        private final ConfluentAvroSerde<PlanRejected> planRejectedSerde = ConfluentAvroSerde.forValues(registry,
                PlanRejected.class);
        private final ConfluentAvroSerde<Rejected> rejectedSerde = ConfluentAvroSerde.forValues(registry,
                Rejected.class);

        Observer(Set<String> expected) {
            this.expected = expected;
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            Map<String, Object> settings = new HashMap<>();
            settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            settings.put(ConsumerConfig.GROUP_ID_CONFIG, "fleet-bench-observer-" + System.nanoTime());
            settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "fleet-bench-observer");
            settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
            settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.subscribe(Pattern.compile(Pattern.quote(PREFIX + ".") + "(sessions|plan-rejected|rejected"
                        + "|session-status|jobs\\..+)"));
                while (running) {
                    var records = consumer.poll(Duration.ofMillis(50));
                    long now = System.currentTimeMillis();
                    for (ConsumerRecord<String, byte[]> record : records) {
                        recordsByTopic.computeIfAbsent(record.topic(), t -> new AtomicLong()).incrementAndGet();
                        if (record.value() != null) {
                            accept(record, now);
                        }
                    }
                }
            } catch (RuntimeException e) {
                firstProblem = firstProblem != null ? firstProblem : "the observer failed: " + e;
            }
        }

        private void accept(ConsumerRecord<String, byte[]> record, long now) {
            String topic = record.topic();
            if (topic.equals(topics.sessions())) {
                SessionRequested request = requestSerde.deserialize(topic, record.value());
                requests.merge(RecordKeys.of(request.getCluster(), request.getNamespace(), request.getSessionName()),
                        1, Integer::sum);
                firstRequestAt.compareAndSet(0, now);
                lastRequestAt.set(now);
            } else if (topic.startsWith(PREFIX + ".jobs.")) {
                JobPlanned plan = planSerde.deserialize(topic, record.value());
                plansById.merge(plan.getPlanId(), 1, Integer::sum);
                plansBySession.computeIfAbsent(RecordKeys.of(plan.getSessionKey()),
                        k -> ConcurrentHashMap.newKeySet()).add(plan.getPlanId());
                firstPlanAt.compareAndSet(0, now);
                lastPlanAt.set(now);
            } else if (topic.equals(topics.sessionStatus())) {
                SessionStatus status = statusSerde.deserialize(topic, record.value());
                String session = RecordKeys.of(status.getSessionKey());
                phase.put(session, status.getPhase());
                if (Phases.isFinal(status.getPhase()) && finalAt.putIfAbsent(session, now) == null
                        && expected.contains(session)) {
                    expectedFinal.incrementAndGet();
                    lastExpectedFinalAt.set(now);
                }
            } else if (topic.equals(topics.planRejections())) {
                PlanRejected r = planRejectedSerde.deserialize(topic, record.value());
                planRejections.incrementAndGet();
                firstProblem = firstProblem != null ? firstProblem : "PlanRejected " + r.getSessionKey().getName()
                        + ": " + r.getReason();
            } else if (topic.equals(topics.rejected())) {
                Rejected r = rejectedSerde.deserialize(topic, record.value());
                rejected.incrementAndGet();
                firstProblem = firstProblem != null ? firstProblem : "rejected at " + r.getStage() + ": "
                        + r.getError();
            }
        }

        long recordsIn(String topic) {
            AtomicLong n = recordsByTopic.get(topic);
            return n == null ? 0 : n.get();
        }

        Map<String, Integer> phases(Set<String> sessions) {
            Map<String, Integer> counts = new TreeMap<>();
            for (String session : sessions) {
                counts.merge(phase.getOrDefault(session, "(no status)"), 1, Integer::sum);
            }
            return counts;
        }

        long[] finalLatencies(Set<String> sessions, long tickMillis) {
            long[] latencies = sessions.stream().map(finalAt::get).filter(java.util.Objects::nonNull)
                    .mapToLong(at -> at - tickMillis).toArray();
            Arrays.sort(latencies);
            return latencies;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // plumbing

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    private static void closeAll(PlannerService planner, List<ExecutorApplication> agents, ReporterService reporter) {
        if (planner != null) {
            planner.close();
        }
        if (!agents.isEmpty()) {
            ExecutorService closers = Executors.newFixedThreadPool(8, r -> new Thread(r,
                    "fleet-bench-stop-" + THREADS.incrementAndGet()));
            agents.forEach(agent -> closers.execute(agent::close));
            closers.shutdown();
            try {
                closers.awaitTermination(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (reporter != null) {
            reporter.close();
        }
    }

    private static double percentile(long[] sorted, double p) {
        int index = Math.max(0, (int) Math.ceil(sorted.length * p) - 1);
        return sorted[index];
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    private static String fmt(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String describe(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + " ms";
        }
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
