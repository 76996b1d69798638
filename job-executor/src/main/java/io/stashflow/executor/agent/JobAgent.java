package io.stashflow.executor.agent;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.rejected.DecodingPoller;
import io.stashflow.api.rejected.RejectedSink;
import io.stashflow.events.JobPlanned;
import io.stashflow.events.Rejected;
import io.stashflow.events.StepOutcome;
import io.stashflow.events.StepState;
import io.stashflow.executor.limits.JobScheduler;
import io.stashflow.executor.plan.PlanIdentity;
import io.stashflow.executor.plan.PlanStep;
import io.stashflow.executor.runtime.JobRuntime;
import io.stashflow.executor.runtime.LaunchException;
import io.stashflow.executor.runtime.LaunchResult;
import io.stashflow.executor.runtime.RunEnded;
import io.stashflow.executor.runtime.RunInfo;
import io.stashflow.executor.runtime.StepEvent;
import io.stashflow.service.logging.LogContext;
import io.stashflow.service.metrics.ServiceMetrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serde;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor agent of one cluster: reads {@code JobPlanned} from {@code <prefix>.jobs.<cluster>}, waits for a
 * concurrency slot and a pod-creation token, launches the plan on the runtime, and publishes what happens as
 * {@code StepOutcome}s.
 *
 * <p>At-least-once with idempotent effects: an offset is committed only once the record's run exists (created or
 * adopted) or the record was rejected durably. A redelivered plan is adopted by the runtime, never run twice. Records
 * that cannot be decoded, that belong to another cluster, or whose plan cannot become a run go to the rejected topic
 * (the latter also end their session with a FAILED outcome), and the agent keeps going.
 *
 * <p>One thread owns the consumer and the scheduler; runtime threads only hand over "run ended" and "outcomes
 * durable" notices through queues.
 */
public final class JobAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobAgent.class);
    public static final String STAGE = "job-executor";

    private final AgentSettings settings;
    private final Consumer<byte[], byte[]> consumer;
    private final Serde<JobPlanned> planSerde;
    private final RejectedSink rejected;
    private final JobRuntime runtime;
    private final Clock clock;
    private final String topic;
    private final JobScheduler scheduler;
    private final OffsetTracker<TopicPartition> offsets = new OffsetTracker<>();
    private final DecodingPoller<JobPlanned> poller;
    private final OutcomePublisher publisher;
    private final Map<String, Pending> pending = new HashMap<>();
    private final ConcurrentLinkedQueue<String> ended = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> durable = new ConcurrentLinkedQueue<>();
    private final LatencyRecorder consumedToCreated = new LatencyRecorder(100_000);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ServiceMetrics.CounterFamily plansConsumed;
    private final ServiceMetrics.CounterFamily launches;
    private final ServiceMetrics.CounterFamily rejections;
    private volatile List<JobScheduler.Waiting> waitingSnapshot = List.of();
    private volatile boolean running;
    private volatile boolean started;
    private volatile boolean abandoned;
    private volatile long lastLoopMillis;
    private volatile Thread thread;
    private long lastQueueReport;

    private record Pending(JobPlanned plan, TopicPartition partition, long offset, long consumedAtNanos, String key) {
    }

    public JobAgent(AgentSettings settings, Consumer<byte[], byte[]> consumer, Serde<JobPlanned> planSerde,
                    RejectedSink rejected, Producer<String, StepOutcome> outcomes, JobRuntime runtime, Clock clock,
                    ServiceMetrics metrics, String source) {
        this.settings = settings;
        this.consumer = consumer;
        this.planSerde = planSerde;
        this.rejected = rejected;
        this.runtime = runtime;
        this.clock = clock;
        this.topic = settings.topics().jobs(settings.cluster());
        this.scheduler = new JobScheduler(settings.limits());
        this.poller = new DecodingPoller<>(consumer, planSerde.deserializer(), rejected, STAGE, clock);
        this.publisher = new OutcomePublisher(outcomes, settings.topics().stepOutcomes(), source, clock,
                end -> ended.add(end.identity().planId()), durable::add);
        this.plansConsumed = metrics.counter("plans_consumed_total", "JobPlanned records read from the jobs topic");
        this.launches = metrics.counter("launches_total", "Plans launched, by result (created, adopted,"
                + " already_reported, failed, retry)");
        this.rejections = metrics.counter("rejected_total", "Records sent to the rejected topic, by reason");
        metrics.gauge("jobs_running", "Plans holding a concurrency slot", () -> (double) runningCount());
        metrics.gauge("jobs_waiting", "Plans waiting for a concurrency slot or a pod-creation token",
                () -> (double) waitingSnapshot.size());
        metrics.gauge("runs_in_flight", "Runs the runtime holds (running, or ended and not yet durable)",
                () -> (double) runtime.inFlight().size());
        metrics.gauge("outcomes_published", "Step outcomes acknowledged by the broker", () -> (double) publisher.published());
        metrics.gauge("outcome_publish_failures", "Step outcomes the broker did not acknowledge",
                () -> (double) publisher.failures());
        metrics.gauge("consumed_to_created_p99_seconds", "99th percentile of plan consumed to pod created",
                () -> consumedToCreated.percentile(99) / 1e9);
    }

    /** Starts the runtime (recovering its runs) and the consuming thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("agent of cluster " + settings.cluster() + " already started");
        }
        runtime.start(publisher);
        for (RunInfo run : runtime.inFlight()) {
            if (!run.ended()) {
                scheduler.markRunning(job(run.identity()));
            }
        }
        running = true;
        lastLoopMillis = System.currentTimeMillis();
        thread = new Thread(this::loop, "job-agent-" + settings.cluster());
        thread.start();
        started = true;
        LOG.info("executor agent for cluster {} reading {} with the {} runtime ({} runs resumed)", settings.cluster(),
                topic, runtime.kind(), runtime.inFlight().size());
    }

    private void loop() {
        try (LogContext ignored = LogContext.cluster(settings.cluster())) {
            consumer.subscribe(List.of(topic), new Rebalance());
            while (running) {
                lastLoopMillis = System.currentTimeMillis();
                drainNotices();
                pauseWhenFull();
                List<DecodingPoller.Decoded<JobPlanned>> records;
                try {
                    records = poller.poll(settings.pollTimeout());
                } catch (WakeupException e) {
                    break;
                }
                for (DecodingPoller.Decoded<JobPlanned> record : records) {
                    accept(record);
                }
                launchReady();
                commit();
                reportQueue();
            }
            commit();
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("executor agent of cluster {} stopped after an unexpected failure", settings.cluster(), e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("closing the consumer failed: {}", e.getMessage());
            }
            running = false;
            stopped.countDown();
        }
    }

    private void accept(DecodingPoller.Decoded<JobPlanned> record) {
        plansConsumed.inc();
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        offsets.received(tp, record.offset());
        JobPlanned plan = record.value();
        Pending p = new Pending(plan, tp, record.offset(), System.nanoTime(), record.key());
        if (plan == null) {
            offsets.done(tp, record.offset()); // a tombstone carries no plan
            return;
        }
        if (!settings.cluster().equals(plan.getSessionKey().getCluster())) {
            reject(p, "plan " + plan.getPlanId() + " is for cluster " + plan.getSessionKey().getCluster()
                    + " but was written to " + topic + ", the topic of cluster " + settings.cluster()
                    + "; the planner must write it to the jobs topic of its own cluster", "wrong_cluster");
            offsets.done(tp, record.offset());
            return;
        }
        if (pending.containsKey(plan.getPlanId()) || scheduler.isRunning(plan.getPlanId())) {
            offsets.done(tp, record.offset()); // a redelivery of a plan this agent already holds
            return;
        }
        pending.put(plan.getPlanId(), p);
        scheduler.enqueue(job(PlanIdentity.of(plan, 1)));
    }

    private void launchReady() {
        long budgetEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < budgetEnd) {
            Optional<JobScheduler.Job> next = scheduler.next(System.nanoTime());
            if (next.isEmpty()) {
                return;
            }
            Pending p = pending.remove(next.get().planId());
            if (p == null) {
                scheduler.finished(next.get().planId());
                continue;
            }
            launch(next.get(), p);
        }
    }

    private void launch(JobScheduler.Job job, Pending p) {
        JobPlanned plan = p.plan();
        try (LogContext ignored = LogContext.session(plan.getSessionKey())) {
            LaunchResult result = runtime.launch(plan);
            consumedToCreated.record(System.nanoTime() - p.consumedAtNanos());
            launches.inc(Map.of("result", result.outcome().name().toLowerCase(java.util.Locale.ROOT)));
            if (result.outcome() == LaunchResult.Outcome.ALREADY_REPORTED
                    || (result.outcome() == LaunchResult.Outcome.ADOPTED && ended(job.planId()))) {
                // nothing runs for it any more: a run that ended before it was adopted (a plan delivered again after
                // a restart) sends no further end notice, so its slot is freed here or never
                scheduler.finished(job.planId());
            }
            offsets.done(p.partition(), p.offset());
        } catch (LaunchException e) {
            if (e.retriable()) {
                launches.inc(Map.of("result", "retry"));
                LOG.warn("plan {} not launched, retrying in {}: {}", plan.getPlanId(), settings.launchRetryDelay(),
                        e.getMessage());
                pending.put(plan.getPlanId(), p);
                scheduler.retryLater(job, System.nanoTime() + settings.launchRetryDelay().toNanos());
                return;
            }
            launches.inc(Map.of("result", "failed"));
            LOG.error("plan {} cannot be launched: {}", plan.getPlanId(), e.getMessage());
            failSession(plan, "LaunchFailed", e.getMessage());
            reject(p, e.getMessage(), "launch_failed");
            scheduler.finished(job.planId());
            offsets.done(p.partition(), p.offset());
        } catch (RuntimeException e) {
            // unexpected (a bug, or a client failure without an HTTP answer): try again later rather than lose it
            launches.inc(Map.of("result", "retry"));
            LOG.error("plan {} not launched after an unexpected failure, retrying in {}", plan.getPlanId(),
                    settings.launchRetryDelay(), e);
            pending.put(plan.getPlanId(), p);
            scheduler.retryLater(job, System.nanoTime() + settings.launchRetryDelay().toNanos());
        }
    }

    private boolean ended(String planId) {
        return runtime.inFlight().stream().anyMatch(run -> run.ended() && run.identity().planId().equals(planId));
    }

    /** A plan that never became a run still ends its session: its first step fails, durably, before the commit. */
    private void failSession(JobPlanned plan, String reason, String message) {
        PlanIdentity identity = PlanIdentity.of(plan, 1);
        List<PlanStep> steps = PlanStep.of(plan.getPod());
        StepEvent event = new StepEvent(identity, plan.getPod().getName(), null, steps.get(0), StepState.FAILED, null,
                reason, message, null, clock.instant(), null);
        publisher.onStep(event);
        publisher.onRunEnded(new RunEnded(identity, plan.getPod().getName(), null, false, reason));
    }

    private void reject(Pending p, String reason, String metricReason) {
        rejections.inc(Map.of("reason", metricReason));
        byte[] value = planSerde.serializer().serialize(p.partition().topic(), p.plan());
        Rejected r = Rejected.newBuilder()
                .setTopic(p.partition().topic())
                .setPartition(p.partition().partition())
                .setOffset(p.offset())
                .setKey(p.key() == null ? null : ByteBuffer.wrap(p.key().getBytes(StandardCharsets.UTF_8)))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setHeaders(Map.of(CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.AVRO_CONTENT_TYPE))
                .setStage(STAGE)
                .setError(reason)
                .setErrorClass(null)
                .setRejectedAt(clock.instant())
                .build();
        rejected.reject(r);
    }

    private void drainNotices() {
        String planId;
        while ((planId = ended.poll()) != null) {
            scheduler.finished(planId);
        }
        while ((planId = durable.poll()) != null) {
            runtime.release(planId);
        }
    }

    private void pauseWhenFull() {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        if (scheduler.queuedCount() >= settings.maxQueued()) {
            if (consumer.paused().size() < assigned.size()) {
                LOG.info("{} plans wait for a slot; pausing {}", scheduler.queuedCount(), topic);
                consumer.pause(assigned);
            }
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    private void commit() {
        if (abandoned) {
            return; // a killed process commits nothing more
        }
        Map<TopicPartition, Long> committable = offsets.committable();
        if (committable.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        committable.forEach((tp, o) -> commits.put(tp, new OffsetAndMetadata(o)));
        try {
            consumer.commitSync(commits, Duration.ofSeconds(10));
            offsets.committed(committable);
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("offset commit failed, will retry: {}", e.getMessage());
        }
    }

    private void reportQueue() {
        List<JobScheduler.Waiting> waiting = scheduler.waiting(System.nanoTime());
        waitingSnapshot = List.copyOf(waiting);
        long now = System.currentTimeMillis();
        if (!waiting.isEmpty() && now - lastQueueReport >= settings.queueReportEvery().toMillis()) {
            lastQueueReport = now;
            for (JobScheduler.Waiting w : waiting.subList(0, Math.min(20, waiting.size()))) {
                LOG.info("plan {} is Pending at queue position {} of {}: {}", w.job().planId(), w.position(),
                        waiting.size(), w.reason());
            }
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commit();
            Set<TopicPartition> gone = new HashSet<>(partitions);
            pending.entrySet().removeIf(e -> {
                if (gone.contains(e.getValue().partition())) {
                    scheduler.dropQueued(e.getKey());
                    return true;
                }
                return false;
            });
            partitions.forEach(offsets::revoke);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("reading partitions {}", partitions);
        }
    }

    private static JobScheduler.Job job(PlanIdentity identity) {
        return new JobScheduler.Job(identity.planId(), identity.repositoryName(), identity.invokerKey());
    }

    private int runningCount() {
        return Math.max(0, runtime.inFlight().size());
    }

    // ------------------------------------------------------------------------------------------------------------
    // observation

    /** Waiting plans with their queue position and why they wait (a snapshot from the agent's thread). */
    public List<JobScheduler.Waiting> waiting() {
        return waitingSnapshot;
    }

    public LatencyRecorder consumedToCreated() {
        return consumedToCreated;
    }

    public OutcomePublisher publisher() {
        return publisher;
    }

    /** Healthy: the loop is alive and turning, and no outcomes were lost. */
    public Optional<String> livenessProblem() {
        if (started && !running) {
            return Optional.of("the consuming loop stopped");
        }
        long idle = System.currentTimeMillis() - lastLoopMillis;
        if (started && idle > 120_000) {
            return Optional.of("the consuming loop has not turned for " + idle / 1000 + "s");
        }
        if (publisher.failures() > 0) {
            return Optional.of(publisher.failures() + " step outcomes could not be written; restart to report them"
                    + " again");
        }
        return Optional.empty();
    }

    public Optional<String> readinessProblem() {
        return started && running ? Optional.empty() : Optional.of("the agent is not running");
    }

    /**
     * Stops consuming as a killed process would, for crash drills: no offset is committed any more (neither at the end
     * of the loop nor when the partitions are revoked), so whatever was not committed before is read again by the
     * next agent. A real shutdown uses {@link #close()}.
     */
    public void abandon() {
        abandoned = true;
        close();
    }

    /** Stops consuming and waits for the loop; the runtime and the producer are closed by whoever made them. */
    @Override
    public void close() {
        running = false;
        Thread t = thread;
        if (t != null && t.isAlive()) {
            consumer.wakeup();
            try {
                if (!stopped.await(30, TimeUnit.SECONDS)) {
                    LOG.warn("the consuming loop of cluster {} did not stop within 30s", settings.cluster());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
