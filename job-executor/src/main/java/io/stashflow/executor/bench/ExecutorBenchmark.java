package io.stashflow.executor.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.stashflow.api.registry.EmbeddedSchemaRegistry;
import io.stashflow.api.rejected.RejectedSink;
import io.stashflow.api.serde.ConfluentAvroSerde;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.api.topics.Topics;
import io.stashflow.events.ContainerSpec;
import io.stashflow.events.InvokerRef;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.PlanTarget;
import io.stashflow.events.PodPlan;
import io.stashflow.events.PodSettings;
import io.stashflow.events.RetryPolicy;
import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionKind;
import io.stashflow.events.StepInfo;
import io.stashflow.events.StepOutcome;
import io.stashflow.events.StepRole;
import io.stashflow.events.TargetRef;
import io.stashflow.events.VolumeMountSpec;
import io.stashflow.events.VolumeSpec;
import io.stashflow.executor.agent.AgentSettings;
import io.stashflow.executor.agent.JobAgent;
import io.stashflow.executor.kubernetes.KubernetesJobRuntime;
import io.stashflow.executor.kubernetes.KubernetesRuntimeSettings;
import io.stashflow.executor.limits.JobScheduler;
import io.stashflow.executor.plan.PlanIdentity;
import io.stashflow.executor.runtime.JobRuntime;
import io.stashflow.executor.runtime.LaunchResult;
import io.stashflow.executor.runtime.RunInfo;
import io.stashflow.executor.runtime.RunListener;
import io.stashflow.service.metrics.ServiceMetrics;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code stashflow bench executor}: how fast the agent turns plans into pods, and what 10,000 pods in flight cost.
 *
 * <p>Set-up, all in this JVM: the fabric8 mock API server (CRUD mode) on 127.0.0.1; the real {@link JobAgent} and
 * {@link KubernetesJobRuntime}; plans fed through Kafka's in-memory {@code MockConsumer} as Confluent-framed Avro
 * (decoding, scheduling, offset tracking and commits all run; the broker itself does not), outcomes into a
 * {@code MockProducer}. No kubelet: the pods stay Pending, i.e. in flight.
 *
 * <ol>
 *   <li>baseline: the same plans through the agent with a runtime that does nothing (the agent's own cost);</li>
 *   <li>burst: {@code plans} plans at once, pod creation unthrottled: plans/s from the first consumed to the last pod
 *       created, and consumed→created latency (which here includes waiting behind the burst);</li>
 *   <li>paced: {@code pacedPlans} plans at {@code rate}/s: the consumed→created latency of a steady flow;</li>
 *   <li>in flight: every pod of 2 and 3 is held by the one informer; heap used after a full GC. The mock API server
 *       keeps its own copy of every pod in the same heap, so the agent's share is smaller than the figure.</li>
 * </ol>
 */
public final class ExecutorBenchmark {

    /** What to run. */
    public record Options(int plans, int pacedPlans, double rate, long heapLimitMiB) {
    }

    /** What came out. */
    public record Result(Phase apiAlone, Phase baseline, Phase burst, Phase paced, int podsInFlight, int informers,
                         long heapUsedMiB, long heapMaxMiB) {
    }

    /** One phase: how many plans, how long, latency percentiles in milliseconds. */
    public record Phase(int plans, double seconds, double p50Millis, double p99Millis, double maxMillis) {
        double perSecond() {
            return plans / seconds;
        }
    }

    private static final String CLUSTER = "bench";
    private final Options options;
    private final PrintWriter out;

    public ExecutorBenchmark(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    public Result run() throws Exception {
        // the mock server logs every request through java.util.logging: keep the benchmark's output readable
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(Level.WARNING);
        java.util.logging.Logger.getLogger("io.fabric8").setLevel(Level.WARNING);
        out.printf(Locale.ROOT, "stashflow bench executor: %d plans burst, %d plans at %.0f/s; Kubernetes runtime against"
                + " the fabric8 mock API server (CRUD mode, same JVM); plans through an in-memory Kafka consumer%n",
                options.plans(), options.pacedPlans(), options.rate());
        out.printf(Locale.ROOT, "machine: %d cores, Java %s, max heap %d MiB%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        out.flush();

        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.inMemory();
        Phase apiAlone = apiServerAlone(options.plans());
        print("API server alone (sequential creates)", apiAlone, false);
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        try (KubernetesClient client = server.createClient()) {
            Phase baseline;
            try (Harness h = new Harness(registry, new NoopRuntime(), null)) {
                h.burst(-options.plans(), options.plans()); // warm-up: let the JIT compile the agent's path
                baseline = h.burst(0, options.plans());
            }
            print("baseline (agent, runtime does nothing)", baseline, false);

            KubernetesJobRuntime runtime = new KubernetesJobRuntime(client, KubernetesRuntimeSettings.defaults(CLUSTER),
                    Clock.systemUTC());
            try (Harness h = new Harness(registry, runtime, out)) {
                Phase burst = h.burst(1_000_000, options.plans());
                print("pod creation, burst", burst, true);
                Phase paced = h.paced(2_000_000, options.pacedPlans(), options.rate());
                print(String.format(Locale.ROOT, "pod creation, paced at %.0f/s", options.rate()), paced, false);

                int expected = options.plans() + options.pacedPlans();
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (runtime.inFlight().size() < expected && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                for (int i = 0; i < 3; i++) {
                    System.gc();
                    Thread.sleep(200);
                }
                long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
                long max = Runtime.getRuntime().maxMemory() >> 20;
                int inFlight = runtime.inFlight().size();
                out.printf(Locale.ROOT, "in flight: %d pods observed by %d informer(s); heap used after GC %d MiB"
                        + " (limit %d MiB: %s; the figure includes the mock API server's copy of every pod)%n",
                        inFlight, runtime.informerCount(), used, options.heapLimitMiB(),
                        used < options.heapLimitMiB() ? "under" : "OVER");
                out.flush();
                return new Result(apiAlone, baseline, burst, paced, inFlight, runtime.informerCount(), used, max);
            }
        } finally {
            server.destroy();
        }
    }

    /**
     * The ceiling the API server sets: the same pods created one after the other on a fresh mock server, no agent.
     * Latency here is one create call.
     */
    private Phase apiServerAlone(int count) throws Exception {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        io.stashflow.executor.agent.LatencyRecorder latency = new io.stashflow.executor.agent.LatencyRecorder(count);
        try (KubernetesClient client = server.createClient()) {
            long start = System.nanoTime();
            long lastReport = start;
            for (int i = 0; i < count; i++) {
                JobPlanned plan = plan(-1_000_000 - i);
                io.fabric8.kubernetes.api.model.Pod pod = io.stashflow.executor.kubernetes.PodFactory.build(plan,
                        PlanIdentity.of(plan, 1), Instant.now(), ref -> java.util.Optional.empty());
                long t = System.nanoTime();
                client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
                latency.record(System.nanoTime() - t);
                if ((i + 1) % 2000 == 0) {
                    long now = System.nanoTime();
                    out.printf(Locale.ROOT, "  API server alone: pods %5d..%5d created at %.0f/s%n", i - 1998, i + 1,
                            2000 / ((now - lastReport) / 1e9));
                    out.flush();
                    lastReport = now;
                }
            }
            return new Phase(count, (System.nanoTime() - start) / 1e9, latency.percentile(50) / 1e6,
                    latency.percentile(99) / 1e6, latency.percentile(100) / 1e6);
        } finally {
            server.destroy();
        }
    }

    private void print(String name, Phase p, boolean queueing) {
        out.printf(Locale.ROOT, "%-40s %6d plans in %7.2f s = %8.0f plans/s; latency p50 %.1f ms, p99 %.1f ms,"
                + " max %.1f ms%s%n", name + ":", p.plans(), p.seconds(), p.perSecond(), p.p50Millis(), p.p99Millis(),
                p.maxMillis(), queueing ? " (includes waiting behind the burst)" : "");
        out.flush();
    }

    /** One agent fed through a MockConsumer. */
    private static final class Harness implements AutoCloseable {
        private final Topics topics = Topics.withDefaultPrefix();
        private final TopicPartition partition = new TopicPartition(topics.jobs(CLUSTER), 0);
        private final MockConsumer<byte[], byte[]> consumer = new IdleWaitingConsumer();
        private final ConfluentAvroSerde<JobPlanned> serde;
        private final JobAgent agent;
        private final JobRuntime runtime;
        private final PrintWriter progress;
        private long nextOffset;

        Harness(EmbeddedSchemaRegistry registry, JobRuntime runtime, PrintWriter progress) throws InterruptedException {
            this.runtime = runtime;
            this.progress = progress;
            this.serde = ConfluentAvroSerde.forValues(registry, JobPlanned.class);
            MockProducer<String, StepOutcome> outcomes = new MockProducer<>(true, null, new StringSerializer(),
                    ConfluentAvroSerde.forValues(registry, StepOutcome.class));
            RejectedSink rejected = r -> {
                throw new IllegalStateException("benchmark plans are valid; rejected: " + r.getError());
            };
            consumer.schedulePollTask(() -> {
                consumer.rebalance(List.of(partition));
                consumer.updateBeginningOffsets(Map.of(partition, 0L));
            });
            AgentSettings settings = new AgentSettings(CLUSTER, topics, new JobScheduler.Limits(0, 0, 0, 0, 1),
                    Duration.ofMillis(20), 1_000_000, Duration.ofSeconds(1), Duration.ofHours(1));
            agent = new JobAgent(settings, consumer, serde, rejected, outcomes, runtime, Clock.systemUTC(),
                    new ServiceMetrics("bench_"), "/stashflow/bench/" + CLUSTER);
            agent.start();
            while (consumer.assignment().isEmpty()) {
                Thread.sleep(5);
            }
        }

        /** All plans at once; building and encoding the records happens before the clock starts. */
        Phase burst(int firstId, int count) throws InterruptedException {
            List<ConsumerRecord<byte[], byte[]>> records = new java.util.ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                records.add(record(firstId + i));
            }
            agent.consumedToCreated().reset();
            long start = System.nanoTime();
            records.forEach(consumer::addRecord);
            awaitLaunched(count);
            return phase(count, System.nanoTime() - start);
        }

        Phase paced(int firstId, int count, double rate) throws InterruptedException {
            agent.consumedToCreated().reset();
            List<ConsumerRecord<byte[], byte[]>> records = new java.util.ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                records.add(record(firstId + i));
            }
            long start = System.nanoTime();
            long intervalNanos = (long) (1e9 / rate);
            for (int i = 0; i < count; i++) {
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                consumer.addRecord(records.get(i));
            }
            awaitLaunched(count);
            return phase(count, System.nanoTime() - start);
        }

        private ConsumerRecord<byte[], byte[]> record(int id) {
            JobPlanned plan = plan(id);
            byte[] value = serde.serialize(partition.topic(), plan);
            byte[] key = RecordKeys.of(plan.getSessionKey()).getBytes(StandardCharsets.UTF_8);
            return new ConsumerRecord<>(partition.topic(), 0, nextOffset++, key, value);
        }

        private void awaitLaunched(int count) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            long lastCount = 0;
            long lastTime = System.nanoTime();
            while (agent.consumedToCreated().count() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + agent.consumedToCreated().count() + " of " + count
                            + " plans were launched within 10 minutes");
                }
                Thread.sleep(2);
                long done = agent.consumedToCreated().count();
                if (progress != null && done / 2000 > lastCount / 2000) {
                    long now = System.nanoTime();
                    progress.printf(Locale.ROOT, "  agent: %5d of %5d launched, %.0f/s since the last line; %d runs in"
                            + " flight%n", done, count, (done - lastCount) / ((now - lastTime) / 1e9),
                            runtime.inFlight().size());
                    progress.flush();
                    lastCount = done;
                    lastTime = now;
                }
            }
        }

        private Phase phase(int count, long nanos) {
            return new Phase(count, nanos / 1e9, agent.consumedToCreated().percentile(50) / 1e6,
                    agent.consumedToCreated().percentile(99) / 1e6, agent.consumedToCreated().percentile(100) / 1e6);
        }

        @Override
        public void close() {
            agent.close();
            runtime.close();
        }
    }

    /**
     * Kafka's MockConsumer returns at once when it has nothing; a real consumer waits for the poll timeout. Waiting a
     * millisecond keeps the agent's loop from spinning a core that the API server and the informer need.
     */
    private static final class IdleWaitingConsumer extends MockConsumer<byte[], byte[]> {
        IdleWaitingConsumer() {
            super("earliest");
        }

        @Override
        public org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
            if (records.isEmpty()) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return records;
        }
    }

    /** The agent's own cost: a launch that does nothing. */
    private static final class NoopRuntime implements JobRuntime {
        private final Map<String, RunInfo> runs = new ConcurrentHashMap<>();

        @Override
        public String kind() {
            return "noop";
        }

        @Override
        public void start(RunListener listener) {
        }

        @Override
        public LaunchResult launch(JobPlanned plan) {
            runs.put(plan.getPlanId(), new RunInfo(PlanIdentity.of(plan, 1), plan.getPod().getName(), "-", false));
            return new LaunchResult(LaunchResult.Outcome.CREATED, plan.getPod().getName(), "-");
        }

        @Override
        public void cancel(String planId, String message) {
        }

        @Override
        public List<RunInfo> inFlight() {
            return List.copyOf(runs.values());
        }

        @Override
        public void release(String planId) {
        }

        @Override
        public void close() {
        }
    }

    /** A realistic plan: a backup step as init container and update-status as the main container. */
    static JobPlanned plan(int id) {
        String session = "bench-" + (id < 0 ? "w" + (-id) : Integer.toString(id));
        String namespace = "bench-" + (id % 10);
        List<VolumeMountSpec> mounts = List.of(VolumeMountSpec.newBuilder().setName("stash-tmp-dir")
                .setMountPath("/stash-tmp").build());
        ContainerSpec backup = ContainerSpec.newBuilder().setName("postgres-backup-16-1-0")
                .setImage("stashed/stash-postgres:16.1").setArgs(List.of("backup-pg", "--backupsession=" + session,
                        "--namespace=" + namespace, "--output-dir=/stash-tmp/output"))
                .setVolumeMounts(mounts)
                .setStep(StepInfo.newBuilder().setIndex(0).setFunctionName("postgres-backup-16.1").setRole(StepRole.STEP)
                        .build())
                .build();
        ContainerSpec status = ContainerSpec.newBuilder().setName("update-status-1")
                .setImage("ghcr.io/stashflow/stashflow:latest").setArgs(List.of("update-status",
                        "--namespace=" + namespace, "--output-dir=/stash-tmp/output"))
                .setVolumeMounts(mounts)
                .setStep(StepInfo.newBuilder().setIndex(1).setFunctionName("update-status")
                        .setRole(StepRole.UPDATE_STATUS).setFulfilledByReporter(true).build())
                .build();
        PodPlan pod = PodPlan.newBuilder().setName("stash-backup-" + session + "-0").setNamespace(namespace)
                .setInitContainers(List.of(backup)).setContainer(status)
                .setVolumes(List.of(VolumeSpec.newBuilder().setName("stash-tmp-dir").setSourceJson("{\"emptyDir\":{}}")
                        .build()))
                .setSettings(PodSettings.newBuilder().setSecurityContextJson("{\"runAsUser\":65535}").build())
                .build();
        return JobPlanned.newBuilder()
                .setPlanId(CLUSTER + "/" + namespace + "/" + session + "/0")
                .setSessionKey(SessionKey.newBuilder().setCluster(CLUSTER).setNamespace(namespace).setName(session)
                        .setKind(SessionKind.BACKUP).build())
                .setInvoker(InvokerRef.newBuilder().setApiGroup("stash.appscode.com").setKind("BackupConfiguration")
                        .setName("pg-" + (id % 100)).build())
                .setTarget(PlanTarget.newBuilder().setRef(TargetRef.newBuilder().setKind("AppBinding").setName("pg")
                        .setNamespace(namespace).build()).setIndex(0).build())
                .setRepositoryName(namespace + "/repo-" + (id % 100))
                .setPod(pod)
                .setRetry(RetryPolicy.newBuilder().build())
                .setPlannedAt(Instant.now())
                .build();
    }
}
