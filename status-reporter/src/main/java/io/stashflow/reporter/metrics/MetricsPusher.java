package io.stashflow.reporter.metrics;

import io.stashflow.api.cloudevents.CloudEventHeaders;
import io.stashflow.api.rejected.DecodingPoller;
import io.stashflow.api.rejected.RejectedSink;
import io.stashflow.api.topics.RecordKeys;
import io.stashflow.events.SessionKey;
import io.stashflow.events.SessionKind;
import io.stashflow.reporter.core.ConditionTypes;
import io.stashflow.reporter.events.MetricsPushRequest;
import io.stashflow.reporter.events.ReporterSignal;
import io.stashflow.reporter.events.SignalKind;
import io.stashflow.service.logging.LogContext;
import io.stashflow.service.metrics.ServiceMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes each completed session's metrics to the Pushgateway and reports the result back into the aggregation.
 *
 * <p>The aggregation computes the push (inside its Kafka transaction) and writes it to
 * {@code reporter-metrics-pushes}; this worker, a plain consumer outside any transaction, POSTs it with retries and
 * backoff ({@link PushRetryPolicy}), then produces {@code MetricsPushed=True} (or {@code False} after the last attempt,
 * with the Pushgateway's answer as the reason) to {@code reporter-signals}, waits for the broker's acknowledgement, and
 * only then commits its offset. A crash in between repeats the push, which is harmless: a POST of the same values
 * leaves the Pushgateway as it was, and the aggregation ignores a repeated signal. So every completed session is pushed
 * at least once and becomes final only after that.
 *
 * <p>Failures are visible three ways: a WARN log per failed attempt (with the session in the log context), the
 * counters {@code stashflow_reporter_metrics_push_attempts_total{result}} and
 * {@code stashflow_reporter_metrics_pushes_total{result}} on the reporter's {@code /metrics}, and the session's
 * {@code MetricsPushed} condition.
 */
public final class MetricsPusher implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsPusher.class);

    private final Consumer<byte[], byte[]> consumer;
    private final DecodingPoller<MetricsPushRequest> poller;
    private final Producer<String, ReporterSignal> producer;
    private final PushgatewayClient pushgateway;
    private final PushRetryPolicy retry;
    private final String signalsTopic;
    private final String source;
    private final Clock clock;
    private final Sleeper sleeper;
    private final ServiceMetrics.CounterFamily attempts;
    private final ServiceMetrics.CounterFamily pushes;
    private final AtomicBoolean running = new AtomicBoolean(true);

    /** Waits between attempts; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    public MetricsPusher(Consumer<byte[], byte[]> consumer, Deserializer<MetricsPushRequest> deserializer,
                         RejectedSink rejectedSink, Producer<String, ReporterSignal> producer,
                         PushgatewayClient pushgateway, PushRetryPolicy retry, String pushesTopic, String signalsTopic,
                         String source, ServiceMetrics metrics, Clock clock, Sleeper sleeper) {
        this.consumer = consumer;
        this.poller = new DecodingPoller<>(consumer, deserializer, rejectedSink, "reporter.metrics-pusher.decode", clock);
        this.producer = producer;
        this.pushgateway = pushgateway;
        this.retry = retry;
        this.signalsTopic = signalsTopic;
        this.source = source;
        this.clock = clock;
        this.sleeper = sleeper;
        this.attempts = metrics.counter("metrics_push_attempts_total", "Pushgateway POSTs, by result");
        this.pushes = metrics.counter("metrics_pushes_total",
                "Sessions whose metrics were pushed (success) or given up on after every attempt (failure)");
        consumer.subscribe(List.of(pushesTopic));
    }

    @Override
    public void run() {
        try {
            while (running.get()) {
                for (DecodingPoller.Decoded<MetricsPushRequest> record : poller.poll(Duration.ofMillis(500))) {
                    handle(record.key(), record.value());
                }
                consumer.commitSync();
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

    /** Pushes one session's metrics and reports the result; returns once the report is durable. */
    void handle(String key, MetricsPushRequest request) throws InterruptedException {
        RecordKeys.Parts parts = RecordKeys.parse(key);
        SessionKey session = new SessionKey(parts.cluster(), parts.namespace(), parts.name(),
                SessionKind.valueOf(request.getSessionKind()));
        try (LogContext ignored = LogContext.session(session)) {
            String failure = null;
            for (int attempt = 1; attempt <= retry.attempts() && running.get(); attempt++) {
                sleeper.sleep(retry.backoffBefore(attempt));
                try {
                    pushgateway.post(request.getJob(), Optional.ofNullable(request.getCluster()), request.getBody());
                    attempts.inc(Map.of("result", "success"));
                    failure = null;
                    break;
                } catch (PushgatewayClient.PushFailedException e) {
                    attempts.inc(Map.of("result", "failure"));
                    failure = e.getMessage();
                    LOG.warn("metrics push attempt {}/{} for job {} failed: {}", attempt, retry.attempts(),
                            request.getJob(), failure);
                }
            }
            if (!running.get() && failure != null) {
                return; // shutting down: leave the offset uncommitted so the next start pushes again
            }
            boolean ok = failure == null;
            pushes.inc(Map.of("result", ok ? "success" : "failure"));
            if (ok) {
                LOG.info("pushed metrics of job {} to the Pushgateway", request.getJob());
            } else {
                LOG.error("giving up pushing metrics of job {} after {} attempts; the session ends Failed"
                        + " (MetricsPushed=False)", request.getJob(), retry.attempts());
            }
            send(key, signal(session, ConditionTypes.METRICS_PUSHED, ok,
                    ok ? ConditionTypes.SUCCESSFULLY_PUSHED_METRICS : ConditionTypes.FAILED_TO_PUSH_METRICS,
                    ok ? "Successfully pushed metrics." : "Failed to push metrics. Reason: " + failure));
            if (request.getReportsRepositoryMetrics()) {
                send(key, signal(session, ConditionTypes.REPOSITORY_METRICS_PUSHED, ok,
                        ok ? ConditionTypes.SUCCESSFULLY_PUSHED_REPOSITORY_METRICS
                                : ConditionTypes.FAILED_TO_PUSH_REPOSITORY_METRICS,
                        ok ? "Successfully pushed repository metrics."
                                : "Failed to push repository metrics. Reason: " + failure));
            }
        }
    }

    private ReporterSignal signal(SessionKey session, String type, boolean ok, String reason, String message) {
        return ReporterSignal.newBuilder().setKind(SignalKind.CONDITION).setSessionKind(session.getKind().name())
                .setConditionType(type).setConditionStatus(ok ? ConditionTypes.TRUE : ConditionTypes.FALSE)
                .setReason(reason).setMessage(message).setAt(clock.instant()).setSource("metrics-pusher").build();
    }

    private void send(String key, ReporterSignal signal) {
        ProducerRecord<String, ReporterSignal> record = new ProducerRecord<>(signalsTopic, key, signal);
        CloudEventHeaders.write(record.headers(), CloudEventHeaders.Attributes.of(source,
                "io.stashflow.reporter.ReporterSignal.v1", key));
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reporting a metrics push", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not report the metrics push of " + key + " to " + signalsTopic
                    + "; the push will be repeated after a restart", e);
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
    }
}
